//! Runtime of the clouddb generated clients: everything that does not depend on a spec.
//!
//! Generated operations are thin: they describe themselves ([`OperationSpec`]), write their
//! parameters into a [`RequestWriter`] and decode the answer. One client core
//! ([`client::Client`]) validates ([`Validator`]), sends with retries and decodes every
//! call; each vendor ([`huawei`], [`qingcloud`]) adds how a request is prepared and signed
//! ([`signing`]) and how an error answer is read, into an [`Error`] that carries the
//! vendor's code, message and request id.

#![warn(missing_docs, unreachable_pub)]

pub mod builder;
mod call;
pub mod client;
pub mod clock;
mod download;
mod endpoint;
pub mod environment;
mod error;
mod form;
pub mod huawei;
mod job;
pub mod lenient;
mod operation;
pub mod paginate;
pub mod qingcloud;
pub mod retry;
mod secret;
mod signed;
pub mod signing;
mod transport;
mod validate;
pub mod wait;

pub use call::CallOptions;
pub use client::{Service, ServiceInfo, Vendor};
pub use clouddb_derive::{Object, StringEnum};
pub use download::Download;
pub use error::{ApiError, Error, ErrorCode, ErrorKind, ErrorReport, ValidationIssue};
pub use form::FormFile;
pub use job::Job;
pub use operation::{
    decode_bytes, decode_json, flatten_qingcloud, validate_input, Operation, OperationSpec,
    QueryLists, RawResponse, RequestWriter, Response, Setting,
};
pub use secret::Secret;
pub use signed::{Redacted, SecretFields, SignedRequest};
pub use transport::DEFAULT_MAX_RESPONSE_BYTES;
pub use validate::{Checked, ItemList, Rules, Validate, Validator};

/// Re-exports for generated code, so that generated crates need no direct dependency on
/// these crates' versions.
#[doc(hidden)]
pub mod export {
    pub use bytes;
    pub use http;
    pub use serde;
    pub use serde_json;
}
