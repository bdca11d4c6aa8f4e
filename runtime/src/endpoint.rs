//! Endpoints: `https://host[:port]` strings kept literally, so that the `Host` header and
//! the signature name exactly the authority that was configured.

use crate::error::Error;

/// A parsed endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// Host with its port exactly as given (`x:443` stays `x:443`).
    pub(crate) authority: String,
    /// The endpoint as a URL with the path `/` (its scheme `https` or `http`), parsed once:
    /// a request's URL is this with its path and query set, so that the scheme and host
    /// are not parsed again on every attempt.
    base: reqwest::Url,
}

impl Endpoint {
    /// Parses `https://host[:port]`, `http://host[:port]` or a bare `host[:port]` (HTTPS).
    pub(crate) fn parse(text: &str) -> Result<Self, Error> {
        let (scheme, rest) = if let Some(rest) = text.strip_prefix("https://") {
            ("https", rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            ("http", rest)
        } else if text.contains("://") {
            return Err(Error::config(format!(
                "endpoint `{text}`: only http and https are supported"
            )));
        } else {
            ("https", text)
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        let valid = !authority.is_empty()
            && !authority.contains(['/', '?', '#', '@'])
            && !authority.chars().any(char::is_whitespace);
        if !valid {
            return Err(Error::config(format!(
                "endpoint `{text}` must be `https://host[:port]` without a path"
            )));
        }
        let base = reqwest::Url::parse(&format!("{scheme}://{authority}/"))
            .map_err(|e| Error::config(format!("endpoint `{text}` is not a valid URL: {e}")))?;
        Ok(Self {
            authority: authority.to_owned(),
            base,
        })
    }

    /// The URL of a request's path and query (without `?`; empty for none), both
    /// already percent-encoded.
    pub(crate) fn url(&self, path: &str, query: &str) -> reqwest::Url {
        let query = (!query.is_empty()).then_some(query);
        let mut url = self.base.clone();
        url.set_path(path);
        url.set_query(query);
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_authority_literally() {
        let e = Endpoint::parse("https://gaussdb.cn-north-4.myhuaweicloud.com:443/").unwrap();
        assert_eq!(e.authority, "gaussdb.cn-north-4.myhuaweicloud.com:443");
        // The URL drops the scheme's default port; `Host` and the signature keep it.
        assert_eq!(
            e.url("/v3/x", "a=b%20c&d=%2F").as_str(),
            "https://gaussdb.cn-north-4.myhuaweicloud.com/v3/x?a=b%20c&d=%2F"
        );
        assert_eq!(
            e.url("/v3/a%2Fb/c", "").as_str(),
            "https://gaussdb.cn-north-4.myhuaweicloud.com/v3/a%2Fb/c"
        );
        let e = Endpoint::parse("127.0.0.1:8080").unwrap();
        assert_eq!(
            (e.base.scheme(), e.authority.as_str()),
            ("https", "127.0.0.1:8080")
        );
        assert_eq!(
            Endpoint::parse("http://127.0.0.1:1").unwrap().base.scheme(),
            "http"
        );
    }

    #[test]
    fn rejects_paths_and_other_schemes() {
        assert!(Endpoint::parse("https://x/v3").is_err());
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("https://").is_err());
        assert!(Endpoint::parse("https://user@x").is_err());
        assert!(Endpoint::parse("https://x:port").is_err());
    }
}
