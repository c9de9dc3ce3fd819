//! Operations, servers and security schemes -> the `Client`, its builder methods, its
//! methods (see `methods.rs`, `streams.rs`) and the types they take and return
//! (`params.rs`, `responses.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::ty::ident;
use super::{methods, params, responses, streams};
use crate::model::{Api, ApiKeyLocation, AuthKind, AuthScheme, Gate, Operation};

/// The parts of the `client` module after its [`head`], in this order; each holds an item
/// (or a method of `Client`) per operation, in the operations' order, so the part of a
/// run of operations can be emitted and formatted on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The methods of the operations, in `impl Client`.
    Methods,
    /// The paging streams, in `impl Client`.
    Streams,
    /// The parameter structs.
    Params,
    /// The enums of several success responses.
    SuccessEnums,
    /// The enums of documented error responses.
    ErrorEnums,
    /// The functions decoding error responses.
    ErrorDecoders,
}

impl Section {
    /// Every section, in the order of the module.
    pub const ALL: [Self; 6] = [
        Self::Methods,
        Self::Streams,
        Self::Params,
        Self::SuccessEnums,
        Self::ErrorEnums,
        Self::ErrorDecoders,
    ];

    /// Whether the section's items are methods of `Client`: emitted in an `impl Client`
    /// block that continues the one the head ends with.
    pub fn in_impl(self) -> bool {
        matches!(self, Self::Methods | Self::Streams)
    }
}

/// The `client` module up to its sections: the module's docs and imports, the servers,
/// the builder's methods, the `Client` and an `impl Client` block holding `builder`, which
/// the methods of [`Section::Methods`] and [`Section::Streams`] continue.
pub fn head(api: &Api) -> TokenStream {
    let servers = servers(api);
    let builder = builder(api);
    let title = docs::lines(&format!(
        "A client of the {}.",
        docs::sanitize(super::title(api))
    ));
    let default_url = api.servers.first().map_or(String::new(), |s| s.url.clone());
    // An API without operations still gets a client, whose transport nothing reads; so
    // does a crate built without the features of any operation.
    let unread = if api.operations.is_empty() {
        Some(quote!(#[allow(dead_code)]))
    } else {
        super::gate::unread_without(&Gate::any(api.operations.iter().map(|op| &op.gate)))
    };
    quote! {
        //! The client: one method per operation of the API.
        use crate::transport::Transport;
        use crate::{ClientBuilder, Error};

        #servers

        #builder

        #title
        ///
        /// Made with [`Client::builder`]. Cheap to clone: clones share one connection pool.
        ///
        /// # Errors
        ///
        /// Every method fails with [`Error::Api`] when the server answers with an error
        /// status, [`Error::Decode`] when a success response does not match the API
        /// description, [`Error::Transport`] or [`Error::Timeout`] when no response arrives.
        #[derive(Debug, Clone)]
        pub struct Client {
            #unread
            transport: Transport,
        }

        impl Client {
            /// A builder for a client, set up for the first server the API description
            /// lists.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(#default_url)
            }
        }
    }
}

/// The items of `section` for `operations`, a run of the API's operations; the methods
/// in an `impl Client` block.
pub fn section(api: &Api, section: Section, operations: &[Operation]) -> TokenStream {
    let items: Vec<TokenStream> = match section {
        Section::Methods => operations
            .iter()
            .map(|op| methods::methods(api, op))
            .collect(),
        Section::Streams => operations
            .iter()
            .filter_map(|op| streams::stream_method(api, op))
            .collect(),
        Section::Params => operations
            .iter()
            .filter_map(|op| params::params_struct(api, op))
            .collect(),
        Section::SuccessEnums => operations
            .iter()
            .filter_map(|op| responses::success_enum(api, op))
            .collect(),
        Section::ErrorEnums => operations
            .iter()
            .filter_map(|op| responses::error_enum(api, op))
            .collect(),
        Section::ErrorDecoders => operations
            .iter()
            .filter_map(|op| responses::error_decoder(api, op))
            .map(|(function, _)| function)
            .collect(),
    };
    if section.in_impl() {
        quote! {
            impl Client {
                #( #items )*
            }
        }
    } else {
        quote!( #( #items )* )
    }
}

fn servers(api: &Api) -> Option<TokenStream> {
    let first = api.servers.first()?;
    let variants: Vec<_> = api.servers.iter().map(|s| ident(&s.variant)).collect();
    let urls = api.servers.iter().map(|s| s.url.as_str());
    let variant_docs = api.servers.iter().enumerate().map(|(index, s)| {
        let mut text = s
            .description
            .as_deref()
            .map(docs::sanitize)
            .unwrap_or_default();
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&format!("<{}>", s.url));
        if index == 0 {
            text.push_str(" (the default).");
        }
        let doc = docs::lines(&text);
        if index == 0 {
            quote!(#doc #[default])
        } else {
            doc
        }
    });
    let server_doc = format!(
        " Sends requests to one of the API's servers (by default [`Server::{}`]).",
        first.variant
    );
    let server_doc = docs::lines(server_doc.trim_start());
    let count = proc_macro2::Literal::usize_unsuffixed(api.servers.len());
    Some(quote! {
        /// The servers the API description lists.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum Server {
            #( #variant_docs
            #variants, )*
        }

        impl Server {
            /// Every server, in the order the API description lists them.
            pub const ALL: [Self; #count] = [ #( Self::#variants ),* ];

            /// The server's base URL.
            pub const fn url(self) -> &'static str {
                match self {
                    #( Self::#variants => #urls, )*
                }
            }
        }

        impl ClientBuilder {
            #server_doc
            ///
            /// For any other base URL (a proxy, a test server), use
            /// [`ClientBuilder::base_url`].
            pub fn server(self, server: Server) -> Self {
                self.base_url(server.url())
            }
        }
    })
}

fn builder(api: &Api) -> TokenStream {
    let methods = api.auth.iter().map(credential_method);
    quote! {
        impl ClientBuilder {
            #( #methods )*

            /// Builds the client.
            ///
            /// # Errors
            ///
            /// [`Error::Config`] when the base URL or a credential is invalid.
            pub fn build(self) -> Result<Client, Error> {
                Ok(Client { transport: self.build_transport()? })
            }
        }
    }
}

/// The builder method that gives the client the credential of one security scheme.
fn credential_method(scheme: &AuthScheme) -> TokenStream {
    let description = scheme.description.as_deref().map(docs::sanitize);
    let name = ident(&scheme.method);
    let key = scheme.key.as_str();
    let never = "It never appears in `Debug` output or in errors.";
    let (ours, args, credential) = match &scheme.kind {
        AuthKind::Bearer => (
            format!(
                "Authenticates with a bearer token, sent as `Authorization: Bearer <token>`. {never}"
            ),
            quote!(token: impl Into<String>),
            quote!(crate::auth::Credential::Bearer(token.into())),
        ),
        AuthKind::Basic => (
            "Authenticates with HTTP basic authentication: `user` and `password`, sent \
             base64-encoded in the `Authorization` header. The password never appears in \
             `Debug` output or in errors."
                .to_owned(),
            quote!(user: impl Into<String>, password: impl Into<String>),
            quote!(crate::auth::Credential::Basic {
                user: user.into(),
                password: Some(password.into())
            }),
        ),
        AuthKind::ApiKey {
            location,
            name: wire,
        } => {
            let (place, location) = match location {
                ApiKeyLocation::Header => ("header", quote!(crate::auth::KeyLocation::Header)),
                ApiKeyLocation::Query => {
                    ("query parameter", quote!(crate::auth::KeyLocation::Query))
                }
                ApiKeyLocation::Cookie => ("cookie", quote!(crate::auth::KeyLocation::Cookie)),
            };
            (
                format!(
                    "Authenticates with an API key, sent as the {} {place}. {never}",
                    docs::code(wire)
                ),
                quote!(key: impl Into<String>),
                quote!(crate::auth::Credential::ApiKey { location: #location, name: #wire, value: key.into() }),
            )
        }
    };
    let doc = docs::lines(&join_docs(
        &format!(
            "{ours}\n\nRequests send it when their operation accepts the {} scheme.",
            docs::code(key)
        ),
        description,
    ));
    quote! {
        #doc
        pub fn #name(self, #args) -> Self {
            self.credential(#key, #credential)
        }
    }
}

fn join_docs(ours: &str, theirs: Option<String>) -> String {
    match theirs {
        Some(theirs) if !theirs.is_empty() => format!("{ours}\n\n{theirs}"),
        _ => ours.to_owned(),
    }
}
