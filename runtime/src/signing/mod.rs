//! Request signing for Huawei Cloud and QingCloud: pure functions of the request, the
//! credentials and a caller-supplied clock reading, tested against the vendors' vectors.
//!
//! - [`huawei`] signs with the APIG AK/SK algorithms (`SDK-HMAC-SHA256`, `SDK-HMAC-SM3`
//!   and the derived-key `V11-HMAC-SHA256`).
//! - [`qingcloud`] flattens action parameters and signs them with signature version 1
//!   (`HmacSHA256` or `HmacSHA1`).
//! - [`encode_strict`] is the RFC 3986 percent-encoder both vendors sign with.
//!
//! The `verify` feature adds each vendor's `verify`, which checks a received request the way
//! the vendor's server does. Test servers need it; clients do not, so it is off by default.
//!
//! No function here reads the clock, the environment or the network, and no secret key
//! appears in a `Debug` output or an error message.

pub mod huawei;
mod percent;
pub mod qingcloud;

pub use percent::encode_strict;
pub(crate) use percent::{encode_pairs, push_encoded_strict};

use time::{OffsetDateTime, UtcOffset};

/// Why a request could not be signed, or why a received request failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// A header value holds a character that cannot be sent in an HTTP header.
    #[error("header `{name}` cannot be signed: {reason}")]
    InvalidHeader {
        /// Name of the header.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A preset `X-Sdk-Date` header is not in the `YYYYMMDDTHHMMSSZ` format.
    #[error("preset X-Sdk-Date `{0}` is not in the YYYYMMDDTHHMMSSZ format")]
    InvalidDate(String),
    /// The request already carries an `Authorization` header, so the Huawei Cloud SDK would
    /// leave it unsigned; signing it anyway would silently replace the caller's value.
    #[error("the request already has an `Authorization` header; refusing to sign it")]
    AlreadyAuthorized,
    /// Two parts of a received request contradict each other, e.g. a `V11-HMAC-SHA256`
    /// credential scope whose date is not the `X-Sdk-Date`'s (verification only).
    #[error("signature mismatch: {0}")]
    Mismatch(String),
    /// The received signature differs from the one recomputed from the received request
    /// (verification only). The fields hold what the signature was recomputed from, so a
    /// failing test shows which part of the request the client signed differently.
    #[error(
        "signature mismatch: received {received}, recomputed {recomputed} from \
         canonical {canonical:?} and string to sign {string_to_sign:?}"
    )]
    SignatureMismatch {
        /// The signature the request carried.
        received: String,
        /// The signature recomputed from the received request.
        recomputed: String,
        /// The recomputed canonical request (Huawei Cloud) or canonical query (QingCloud).
        canonical: String,
        /// The recomputed string to sign.
        string_to_sign: String,
    },
    /// The received query string is not byte-identical to the canonical query recomputed
    /// from it (Huawei Cloud verification only: our client sends the canonical query).
    #[error("query {received:?} is not the canonical query {canonical:?}")]
    QueryNotCanonical {
        /// The query string as received, without the `?`.
        received: String,
        /// The canonical query recomputed from the received parameters.
        canonical: String,
    },
    /// A header named in `SignedHeaders` was not received (verification only).
    #[error("signed header `{0}` is missing from the received request")]
    MissingSignedHeader(String),
    /// The request names a signing algorithm this crate cannot verify.
    #[error("unsupported signing algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// The `Authorization` header or `signature` parameter is missing or malformed
    /// (verification only).
    #[error("malformed signature: {0}")]
    Malformed(String),
}

/// `time` in UTC as `YYYY<d>MM<d>DDTHH<t>MM<t>SSZ`, with `date_separator` between the parts
/// of the date and `time_separator` between those of the time: Huawei's `X-Sdk-Date` has
/// none (`20240102T030405Z`), QingCloud's `time_stamp` has `-` and `:`
/// (`2024-01-02T03:04:05Z`).
pub(crate) fn format_utc(
    time: OffsetDateTime,
    date_separator: &str,
    time_separator: &str,
) -> String {
    // Converting can only fail at the edges of the supported range (years -9999 and
    // 9999), where no server accepts the date anyway; the unconverted reading is used then.
    let utc = time.checked_to_offset(UtcOffset::UTC).unwrap_or(time);
    let (d, t) = (date_separator, time_separator);
    format!(
        "{:04}{d}{:02}{d}{:02}T{:02}{t}{:02}{t}{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}
