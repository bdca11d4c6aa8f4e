//! Lowering path keys: the wire path, its template parameters, and the constant query
//! pairs of an action-style key (`/iaas/?action=DescribeClusters`).

use super::OperationReader;
use crate::diagnostics::Pointer;
use crate::ir::Protocol;

/// A path key split into the wire path and the constant query pairs.
#[derive(Debug, Clone)]
pub(super) struct PathKey {
    pub(super) path: String,
    pub(super) fixed_query: Vec<(String, String)>,
    pub(super) template_params: Vec<String>,
}

impl OperationReader<'_, '_> {
    pub(super) fn parse_path_key(&mut self, key: &str, at: &Pointer) -> Option<PathKey> {
        let (path, query) = match key.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (key, None),
        };
        let fixed_query = match (query, self.protocol) {
            (None, Protocol::HuaweiRest) => Vec::new(),
            (Some(_), Protocol::HuaweiRest) => {
                self.spec.error(at, "a query string in the path key is only allowed for the qingcloud-action protocol");
                return None;
            }
            (None, Protocol::QingCloudAction) => {
                self.spec
                    .error(at, "an action-style path key needs `?action=<Action>`");
                return None;
            }
            (Some(query), Protocol::QingCloudAction) => self.parse_fixed_query(query, at)?,
        };
        let template_params = self.template_params(path, at)?;
        Some(PathKey {
            path: path.to_owned(),
            fixed_query,
            template_params,
        })
    }

    fn parse_fixed_query(&mut self, query: &str, at: &Pointer) -> Option<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some((k, v)) if !k.is_empty() && !v.is_empty() && !k.contains(['{', '}']) => {
                    pairs.push((k.to_owned(), v.to_owned()));
                }
                _ => {
                    self.spec.error(
                        at,
                        format!("`{pair}` in the path key is not a `name=value` pair"),
                    );
                    return None;
                }
            }
        }
        if !pairs.iter().any(|(k, _)| k == "action") {
            self.spec.error(
                at,
                "an action-style path key needs `action=<Action>` among its pairs",
            );
            return None;
        }
        Some(pairs)
    }

    fn template_params(&mut self, path: &str, at: &Pointer) -> Option<Vec<String>> {
        if !path.starts_with('/') {
            self.spec.error(at, "the path must start with `/`");
            return None;
        }
        let mut params = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.spec.error(at, "unbalanced `{` in the path template");
                return None;
            };
            let name = &rest[open + 1..open + close];
            if name.is_empty() || name.contains(['{', '/']) {
                self.spec.error(
                    at,
                    format!("`{{{name}}}` is not a valid path template parameter"),
                );
                return None;
            }
            params.push(name.to_owned());
            rest = &rest[open + close + 1..];
        }
        if rest.contains('}') {
            self.spec.error(at, "unbalanced `}` in the path template");
            return None;
        }
        Some(params)
    }
}
