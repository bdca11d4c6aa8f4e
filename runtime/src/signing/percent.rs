//! Percent-encoding and decoding shared by the signers: the strict RFC 3986 encoder both
//! vendors sign with, and the lenient decoders a verifying server applies to what it received.

use std::borrow::Cow;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte except the RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~`.
///
/// This is the set Python's `urllib.parse.quote(s, safe='~')` encodes, which is what the
/// Huawei Cloud and QingCloud SDKs sign with.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `s` with the strict RFC 3986 rule both vendors sign with.
///
/// Only the unreserved characters `A-Z a-z 0-9 - _ . ~` stay literal. Every other byte of
/// the UTF-8 encoding becomes `%XX` with upper-case hex, so a space is `%20` (never `+`),
/// `*` is `%2A` and `/` is `%2F`.
///
/// ```
/// use clouddb_runtime::signing::encode_strict;
///
/// assert_eq!(encode_strict("a b*/~Ω"), "a%20b%2A%2F~%CE%A9");
/// ```
pub fn encode_strict(s: &str) -> String {
    utf8_percent_encode(s, STRICT).to_string()
}

/// Appends `s`, percent-encoded as [`encode_strict`] does, to `out` without allocating a
/// string of its own.
pub(crate) fn push_encoded_strict(out: &mut String, s: &str) {
    out.extend(utf8_percent_encode(s, STRICT));
}

/// `enc(name)=enc(value)` for each pair in the order given, joined with `&`: the canonical
/// query of both vendors once they have put the pairs in their order.
pub(crate) fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut query = String::new();
    for (index, (name, value)) in pairs.into_iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        push_encoded_strict(&mut query, name);
        query.push('=');
        push_encoded_strict(&mut query, value);
    }
    query
}

/// Percent-decodes `s`, replacing invalid UTF-8 with U+FFFD and keeping `+` as `+`.
///
/// This matches Python's `urllib.parse.unquote`, which the Huawei Cloud signer applies to
/// the resource path before it re-encodes each segment. Malformed escapes such as `%zz`
/// are kept literally.
pub(crate) fn decode_lossy(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        // Nothing to decode (the usual path); `contains` scans faster than the decoder.
        return Cow::Borrowed(s);
    }
    percent_decode_str(s).decode_utf8_lossy()
}

/// Splits an `application/x-www-form-urlencoded` string (a query string or a form body)
/// into decoded `(name, value)` pairs, in the order received.
///
/// A `+` decodes to a space, as every form decoder does; the strict encoder never emits a
/// literal `+`, so this only matters for requests that did not come from our signers.
/// Empty segments (`a=1&&b=2`) are skipped and a segment without `=` has an empty value.
#[cfg(any(test, feature = "verify"))]
pub(crate) fn decode_form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            (decode_form_component(name), decode_form_component(value))
        })
        .collect()
}

/// Decodes one name or value of a form-encoded string: `+` is a space, then `%XX` escapes.
#[cfg(any(test, feature = "verify"))]
fn decode_form_component(s: &str) -> String {
    decode_lossy(&s.replace('+', " ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushing_encodes_like_encode_strict() {
        let mut out = String::from("k=");
        push_encoded_strict(&mut out, "a b*/~Ω");
        assert_eq!(out, format!("k={}", encode_strict("a b*/~Ω")));
    }

    #[test]
    fn unreserved_characters_stay_literal() {
        let unreserved = "ABCXYZabcxyz0189-_.~";
        assert_eq!(encode_strict(unreserved), unreserved);
    }

    #[test]
    fn reserved_and_special_characters_are_encoded_with_upper_case_hex() {
        let cases = [
            (" ", "%20"),
            ("*", "%2A"),
            ("+", "%2B"),
            ("/", "%2F"),
            (":", "%3A"),
            ("=", "%3D"),
            ("&", "%26"),
            ("%", "%25"),
            ("!'()", "%21%27%28%29"),
            ("\n\t", "%0A%09"),
            ("\u{7f}", "%7F"),
        ];
        for (raw, encoded) in cases {
            assert_eq!(encode_strict(raw), encoded, "encoding {raw:?}");
        }
    }

    #[test]
    fn non_ascii_characters_are_encoded_byte_by_byte() {
        assert_eq!(encode_strict("Ω"), "%CE%A9");
        assert_eq!(encode_strict("中"), "%E4%B8%AD");
        assert_eq!(encode_strict("😀"), "%F0%9F%98%80");
        assert_eq!(encode_strict("\u{a0}"), "%C2%A0");
    }

    #[test]
    fn decode_lossy_keeps_plus_and_malformed_escapes() {
        assert_eq!(decode_lossy("a+b%20c"), "a+b c");
        assert_eq!(decode_lossy("%zz%4"), "%zz%4");
        assert_eq!(decode_lossy("%2F%CE%A9"), "/Ω");
    }

    #[test]
    fn decode_lossy_replaces_invalid_utf8() {
        assert_eq!(decode_lossy("a%FFb"), "a\u{fffd}b");
        assert_eq!(decode_lossy("%E4%B8中"), "\u{fffd}中");
    }

    #[test]
    fn form_pairs_are_decoded_in_order() {
        let pairs = decode_form_pairs("b=1+2&a=%2B&&c&a=");
        let expected = [("b", "1 2"), ("a", "+"), ("c", ""), ("a", "")];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs, expected);
    }

    #[test]
    fn empty_form_has_no_pairs() {
        assert!(decode_form_pairs("").is_empty());
    }
}
