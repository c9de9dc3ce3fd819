//! Security schemes (how the client is given credentials) and each operation's `security`
//! (which of them its requests send).

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::Lowerer;
use crate::diagnostic::Pointer;
use crate::model::{ApiKeyLocation, AuthKind, AuthScheme, Security};
use crate::naming::{self, Namespace};

/// The methods `ClientBuilder` has whatever the spec (the runtime's and the generated
/// `server` and `build`), which a security scheme's method must not take
/// (`lower::reserved_names` checks the runtime and the generated code have no other).
pub(crate) const BUILDER_METHODS: &[&str] = &[
    "new",
    "base_url",
    "timeout",
    "connect_timeout",
    "user_agent",
    "http_client",
    "retry_policy",
    "credential",
    "build_transport",
    "server",
    "build",
];

impl Lowerer<'_> {
    /// The security schemes the client can send, each with its builder method.
    pub(super) fn security_schemes(&mut self) -> Vec<AuthScheme> {
        let Some(components) = &self.spec.components else {
            return Vec::new();
        };
        let pointer = Pointer::root().push("components").push("securitySchemes");
        let mut schemes = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let at = pointer.push(key);
            let ReferenceOr::Item(scheme) = scheme else {
                self.diagnostics
                    .warning(&at, "a `$ref` security scheme is not supported; ignored");
                continue;
            };
            let Some((kind, description)) = self.scheme_kind(scheme, &at) else {
                continue;
            };
            schemes.push(SupportedScheme {
                key: key.clone(),
                description: description.clone(),
                kind,
            });
        }
        name_auth_methods(schemes)
    }

    fn scheme_kind<'s>(
        &mut self,
        scheme: &'s SecurityScheme,
        at: &Pointer,
    ) -> Option<(AuthKind, &'s Option<String>)> {
        Some(match scheme {
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } if scheme.eq_ignore_ascii_case("bearer") => (AuthKind::Bearer, description),
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } if scheme.eq_ignore_ascii_case("basic") => (AuthKind::Basic, description),
            SecurityScheme::APIKey {
                location,
                name,
                description,
                ..
            } => {
                let location = match location {
                    APIKeyLocation::Header => ApiKeyLocation::Header,
                    APIKeyLocation::Query => ApiKeyLocation::Query,
                    APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                };
                let kind = AuthKind::ApiKey {
                    location,
                    name: name.clone(),
                };
                (kind, description)
            }
            // Both end in an access token, which the caller obtains and the client sends
            // as a bearer token.
            SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => (AuthKind::Bearer, description),
            SecurityScheme::HTTP { scheme, .. } => {
                self.diagnostics.warning(
                    &at.push("scheme"),
                    format!(
                        "the HTTP `{scheme}` scheme is not supported (bearer and basic are); \
                         this scheme is ignored"
                    ),
                );
                return None;
            }
        })
    }

    /// Which credentials an operation sends: its own `security`, else the document's;
    /// `Unspecified` when neither says.
    pub(super) fn operation_security(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &Pointer,
    ) -> Security {
        let (requirements, at) = match (&operation.security, &self.spec.security) {
            (Some(own), _) => (own, pointer.push("security")),
            (None, Some(document)) => (document, Pointer::root().push("security")),
            (None, None) => return Security::Unspecified,
        };
        let mut alternatives: Vec<Vec<usize>> = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            match self.requirement(requirement) {
                Some(schemes) => {
                    if !alternatives.contains(&schemes) {
                        alternatives.push(schemes);
                    }
                }
                None => self.diagnostics.warning(
                    &at.push(index),
                    "this requirement names a security scheme the client does not support; \
                     requests never send it",
                ),
            }
        }
        match alternatives.as_slice() {
            [] if requirements.is_empty() => Security::None,
            [only] if only.is_empty() => Security::None,
            _ => Security::AnyOf(alternatives),
        }
    }

    /// The schemes of one requirement, as indexes into the supported schemes; `None` when
    /// it names one that is not supported.
    fn requirement(&self, requirement: &SecurityRequirement) -> Option<Vec<usize>> {
        requirement
            .keys()
            .map(|name| self.auth.iter().position(|scheme| &scheme.key == name))
            .collect()
    }
}

/// A security scheme the client supports, before its builder method is named.
struct SupportedScheme {
    /// The scheme's key in `components/securitySchemes`.
    key: String,
    /// `description`.
    description: Option<String>,
    /// How the credential travels.
    kind: AuthKind,
}

/// Names the builder method of each scheme: `bearer_token`, `basic_auth` or `api_key`
/// when the API has one scheme of that kind; otherwise the scheme's key, followed by that
/// name unless the key says it already (`api_key_query`, `partner_bearer_token`).
fn name_auth_methods(schemes: Vec<SupportedScheme>) -> Vec<AuthScheme> {
    let mut names = Namespace::default();
    for taken in BUILDER_METHODS {
        names.reserve(taken);
    }
    let plain = |kind: &AuthKind| match kind {
        AuthKind::Bearer => "bearer_token",
        AuthKind::Basic => "basic_auth",
        AuthKind::ApiKey { .. } => "api_key",
    };
    let kinds: Vec<&'static str> = schemes.iter().map(|s| plain(&s.kind)).collect();
    schemes
        .into_iter()
        .map(|scheme| {
            let base = plain(&scheme.kind);
            let alone = kinds.iter().filter(|kind| **kind == base).count() == 1;
            let key = naming::snake_name(&scheme.key);
            let name = if alone {
                naming::compose(&[base])
            } else if key.contains(base) {
                key
            } else {
                naming::suffixed_method(&key, base)
            };
            AuthScheme {
                method: names.claim(&name),
                key: scheme.key,
                description: scheme.description,
                kind: scheme.kind,
            }
        })
        .collect()
}
