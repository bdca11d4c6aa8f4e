//! The server side of QingCloud signature version 1: [`verify`] recomputes the signature of
//! a received query or form body the way the server does. Test servers need it; clients do
//! not, so it is compiled only with the `verify` feature (and in this crate's own tests).

use std::collections::BTreeMap;

use super::{
    canonical_query, signature, string_to_sign, Method, SignatureMethod, SIGNATURE_METHOD_PARAM,
    SIGNATURE_PARAM, SIGNATURE_VERSION, SIGNATURE_VERSION_PARAM,
};
use crate::signing::percent::decode_form_pairs;
use crate::signing::SigningError;

/// Checks the signature of a received request the way the server recomputes it.
///
/// `received` is the raw query string of a `GET` (without `?`) or the raw form body of a
/// `POST`. The `signature` parameter is split off, the other parameters are form-decoded
/// (`+` is a space) and re-canonicalized, so their order on the wire does not matter, and
/// the signature is recomputed over `path` with the `signature_method` they name.
///
/// # Errors
/// [`SigningError::Malformed`] when `signature`, `signature_method` or
/// `signature_version` is missing or a parameter is repeated,
/// [`SigningError::UnsupportedAlgorithm`] for an unknown `signature_method` or a
/// `signature_version` other than 1, and [`SigningError::SignatureMismatch`] with the
/// recomputed canonical query and string to sign.
pub fn verify(
    method: Method,
    path: &str,
    received: &str,
    secret_access_key: &str,
) -> Result<(), SigningError> {
    let (received_signature, params) = split_signature(decode_form_pairs(received))?;
    let signature_method = received_signature_method(&params)?;
    let canonical_query = canonical_query(&params);
    let string_to_sign = string_to_sign(method, path, &canonical_query);
    let recomputed = signature(signature_method, secret_access_key, &string_to_sign);
    if recomputed != received_signature {
        return Err(SigningError::SignatureMismatch {
            received: received_signature,
            recomputed,
            canonical: canonical_query,
            string_to_sign,
        });
    }
    Ok(())
}

/// Separates the `signature` parameter from the others, rejecting repeated names.
fn split_signature(
    pairs: Vec<(String, String)>,
) -> Result<(String, BTreeMap<String, String>), SigningError> {
    let mut signature = None;
    let mut params = BTreeMap::new();
    for (name, value) in pairs {
        let slot = if name == SIGNATURE_PARAM {
            signature.replace(value).map(|_| ())
        } else {
            params.insert(name.clone(), value).map(|_| ())
        };
        if slot.is_some() {
            return Err(SigningError::Malformed(format!(
                "parameter `{name}` is repeated"
            )));
        }
    }
    let signature =
        signature.ok_or_else(|| SigningError::Malformed("no `signature` parameter".to_owned()))?;
    Ok((signature, params))
}

/// The signature method named by received parameters, after checking the version.
fn received_signature_method(
    params: &BTreeMap<String, String>,
) -> Result<SignatureMethod, SigningError> {
    let missing = |name: &str| SigningError::Malformed(format!("no `{name}` parameter"));
    let version = params
        .get(SIGNATURE_VERSION_PARAM)
        .ok_or_else(|| missing(SIGNATURE_VERSION_PARAM))?;
    if version != SIGNATURE_VERSION {
        return Err(SigningError::UnsupportedAlgorithm(format!(
            "signature_version {version}"
        )));
    }
    let name = params
        .get(SIGNATURE_METHOD_PARAM)
        .ok_or_else(|| missing(SIGNATURE_METHOD_PARAM))?;
    SignatureMethod::from_name(name).ok_or_else(|| SigningError::UnsupportedAlgorithm(name.clone()))
}
