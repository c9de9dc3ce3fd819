// Copied by `cargo xtask codegen` from `runtime/src/auth.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

//! Credentials: what the client is given (one per security scheme of the API description),
//! and which of them each request sends.

// Which of these helpers a client uses depends on its API description, so unused ones
// are expected.
#![allow(dead_code)]

use std::fmt;

use reqwest::header::{COOKIE, HeaderName, HeaderValue};

use crate::error::Error;

/// A credential for one security scheme. Its secret is never printed.
#[derive(Clone)]
pub(crate) enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// `Authorization: Basic <base64 of user:password>`.
    Basic {
        /// The user name.
        user: String,
        /// The password, if the scheme has one.
        password: Option<String>,
    },
    /// An API key in a header, the query or a cookie.
    ApiKey {
        /// Where it travels.
        location: KeyLocation,
        /// The header, query parameter or cookie name.
        name: &'static str,
        /// The key.
        value: String,
    },
}

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Bearer(_) => f.write_str("Bearer(***)"),
            Credential::Basic { user, .. } => write!(f, "Basic({user:?}, ***)"),
            Credential::ApiKey { location, name, .. } => {
                write!(f, "ApiKey({location:?} {name:?}, ***)")
            }
        }
    }
}

/// Which credentials a request sends, as the operation's `security` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// The description says nothing: every credential the client has.
    All,
    /// None (`security: []`).
    None,
    /// The first of these sets of schemes whose credentials the client has (an empty set
    /// means none are needed); none when the client has no complete set.
    AnyOf(&'static [&'static [&'static str]]),
}

/// The credentials the client was given, by scheme.
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    by_scheme: Vec<(&'static str, Credential)>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.by_scheme.iter().map(|(scheme, c)| (scheme, c)))
            .finish()
    }
}

impl Credentials {
    /// Sets the credential of `scheme`, replacing an earlier one.
    pub(crate) fn set(&mut self, scheme: &'static str, credential: Credential) {
        self.by_scheme.retain(|(known, _)| *known != scheme);
        self.by_scheme.push((scheme, credential));
    }

    /// The credentials a request sends.
    pub(crate) fn chosen(&self, auth: Auth) -> Vec<&Credential> {
        match auth {
            Auth::All => self.by_scheme.iter().map(|(_, c)| c).collect(),
            Auth::None => Vec::new(),
            Auth::AnyOf(alternatives) => alternatives
                .iter()
                .find_map(|schemes| {
                    schemes
                        .iter()
                        .map(|scheme| self.get(scheme))
                        .collect::<Option<Vec<_>>>()
                })
                .unwrap_or_default(),
        }
    }

    fn get(&self, scheme: &str) -> Option<&Credential> {
        self.by_scheme
            .iter()
            .find(|(known, _)| *known == scheme)
            .map(|(_, c)| c)
    }

    /// Checks every credential can be sent as header text, so that building the client
    /// reports a bad one rather than the first request.
    pub(crate) fn check(&self) -> Result<(), Error> {
        for (_, credential) in &self.by_scheme {
            match credential {
                Credential::Bearer(token) => {
                    secret(&format!("Bearer {token}"), "bearer token")?;
                }
                Credential::ApiKey {
                    location: KeyLocation::Header | KeyLocation::Cookie,
                    name,
                    value,
                } => {
                    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        Error::Config(format!("`{name}` is not a valid header name"))
                    })?;
                    secret(value, name)?;
                }
                // Basic credentials are sent base64-encoded; query keys percent-encoded.
                Credential::Basic { .. } | Credential::ApiKey { .. } => {}
            }
        }
        Ok(())
    }
}

/// The query pairs the credentials add (API keys in the query).
pub(crate) fn query_pairs<'c>(credentials: &[&'c Credential]) -> Vec<(&'c str, &'c str)> {
    credentials
        .iter()
        .filter_map(|credential| match credential {
            Credential::ApiKey {
                location: KeyLocation::Query,
                name,
                value,
            } => Some((*name, value.as_str())),
            _ => None,
        })
        .collect()
}

/// Adds the credentials that travel in headers to a request (bearer and basic through
/// reqwest, which marks them sensitive; API keys as sensitive headers; cookies merged
/// into the request's `Cookie` header, whose parameters `cookies` already holds).
pub(crate) fn apply(
    credentials: &[&Credential],
    mut request: reqwest::RequestBuilder,
    cookies: Option<&str>,
) -> Result<reqwest::RequestBuilder, Error> {
    let mut jar: Vec<String> = cookies.into_iter().map(str::to_owned).collect();
    for credential in credentials {
        request = match credential {
            Credential::Bearer(token) => request.bearer_auth(token),
            Credential::Basic { user, password } => request.basic_auth(user, password.as_ref()),
            Credential::ApiKey {
                location: KeyLocation::Header,
                name,
                value,
            } => {
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
                request.header(header, secret(value, name)?)
            }
            Credential::ApiKey {
                location: KeyLocation::Cookie,
                name,
                value,
            } => {
                jar.push(format!("{name}={value}"));
                request
            }
            Credential::ApiKey { .. } => request,
        };
    }
    if !jar.is_empty() {
        request = request.header(COOKIE, secret(&jar.join("; "), "cookie")?);
    }
    Ok(request)
}

/// A sensitive header value; the error names what it is for, never the value.
fn secret(value: &str, what: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::Config(format!(
            "the {what} credential (not shown) is not valid header text: it must be visible ASCII"
        ))
    })?;
    header.set_sensitive(true);
    Ok(header)
}
