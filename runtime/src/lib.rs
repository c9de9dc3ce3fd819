//! The runtime of the generated clients: configuration and the HTTP exchange
//! (`transport.rs`), retries (`retry.rs`), the error type (`error.rs`), paging streams
//! (`paging.rs`), and the decoding of open enums (`open_enum.rs`) and of tagged unions
//! (`union.rs`).
//!
//! No generated crate depends on this one. `cargo xtask codegen` copies each of these
//! modules into the crate it writes, as the crate's own private module of the same name,
//! leaving out every item marked `#[cfg(test)]`; the generated `lib.rs` re-exports the
//! same items this file does. So the modules refer to one another through `crate::`
//! paths that hold in both crates, and this crate is where they are compiled, linted and
//! unit-tested. This file is not copied: the generator writes its own `lib.rs`.
//!
//! The generated code (a `Client` with one method per operation, models and enums) uses
//! the crate-visible helpers (`ClientBuilder::new`, `Transport::send`, `offset_paged`,
//! `OpenEnumVisitor`, `union::payload`, ...), which nothing in this crate calls outside its
//! tests.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

// Which helpers a generated crate uses depends on its API description (a client without
// form bodies never encodes one, one without API keys never sends one): the modules that
// have such helpers allow unused ones themselves, so that the copies in generated crates
// do too.
mod auth;
mod error;
mod open_enum;
mod paging;
mod request;
mod response;
mod retry;
mod transport;
mod union;
mod upload;

pub use error::{ApiError, DecodeError, Error, ErrorBody, Problem};
pub use response::{Download, Response};
pub use retry::RetryPolicy;
pub use transport::ClientBuilder;
pub use upload::Upload;

/// Stands in for the client a generated crate defines in its `client.rs`, so that links
/// from the runtime's documentation to `crate::Client` resolve here too.
///
/// In a generated crate, `Client::builder()` returns a [`ClientBuilder`] set up for the
/// API's first server, and `ClientBuilder::build` returns the `Client`, which has one
/// `async` method per operation. Only documentation builds have this type.
#[cfg(doc)]
pub struct Client;
