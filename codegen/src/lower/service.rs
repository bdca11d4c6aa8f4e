//! Lowering what the whole service declares: its protocol, servers and region table,
//! security schemes, tags and error-code table.

use std::collections::BTreeMap;

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme};
use serde_json::Value;

use super::extensions::{ErrorCodeSpec, ProtocolSpec, SigningSpec};
use super::spec::{Extensions, Spec};
use crate::diagnostics::Pointer;
use crate::ir::{ErrorCodeDef, Protocol, Tag};

impl Spec<'_> {
    /// The root `x-error-codes` table: a list of `{code, status, message}`. Each entry is
    /// read on its own, so that every bad entry is reported.
    pub(crate) fn lower_error_codes(&mut self) -> Vec<ErrorCodeDef> {
        let root = &Pointer::root();
        let doc = self.doc;
        let at = root.join("x-error-codes");
        let Some(entries) =
            self.extension_in::<Vec<Value>>(&doc.api.extensions, "x-error-codes", root)
        else {
            return Vec::new();
        };
        let mut codes: Vec<ErrorCodeDef> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let entry_at = at.join(i);
            let Some(spec) = self.extension::<ErrorCodeSpec>(&entry_at, entry) else {
                continue;
            };
            if !(100..600).contains(&spec.status) {
                self.error(
                    &entry_at.join("status"),
                    "`status` must be an HTTP status (100 to 599)",
                );
            } else if let Some(first) = codes.iter().position(|c| c.code == spec.code) {
                self.error(
                    &entry_at,
                    format!(
                        "error code `{}` is listed twice (also at {})",
                        spec.code,
                        at.join(first)
                    ),
                );
            } else {
                codes.push(ErrorCodeDef {
                    code: spec.code,
                    status: spec.status,
                    message: spec.message,
                });
            }
        }
        codes.sort();
        codes
    }

    pub(crate) fn lower_protocol(&mut self) -> Option<Protocol> {
        let root = &Pointer::root();
        let doc = self.doc;
        if !doc.api.extensions.contains_key("x-protocol") {
            self.error(
                &root.join("x-protocol"),
                "missing `x-protocol` (`huaweicloud-rest` or `qingcloud-action`)",
            );
            return None;
        }
        self.extension_in::<ProtocolSpec>(&doc.api.extensions, "x-protocol", root)
            .map(Protocol::from)
    }

    /// The default host and the region table of the first server; `protocol` decides
    /// whether the region table is required.
    pub(crate) fn lower_servers(
        &mut self,
        protocol: Protocol,
    ) -> (Option<String>, Vec<(String, String)>) {
        let root = &Pointer::root();
        let pointer = root.join("servers").join(0);
        let Some(server) = self.doc.api.servers.first() else {
            self.error(&root.join("servers"), "no server is declared");
            return (None, Vec::new());
        };
        let host = if server.url == "https://{endpoint}" {
            let default = server
                .variables
                .as_ref()
                .and_then(|vars| vars.get("endpoint"))
                .map(|var| var.default.clone());
            if default.is_none() {
                self.error(
                    &pointer.join("variables"),
                    "server `https://{endpoint}` needs a default for the `endpoint` variable",
                );
            }
            default
        } else if let Some(host) = server.url.strip_prefix("https://") {
            if host.contains(['/', '{']) {
                self.error(
                    &pointer.join("url"),
                    "server url must be `https://<host>` or `https://{endpoint}`",
                );
                None
            } else {
                Some(host.to_owned())
            }
        } else {
            self.error(&pointer.join("url"), "server url must use https");
            None
        };
        let endpoints = self.lower_endpoints(&pointer, &server.extensions, protocol);
        (host, endpoints)
    }

    fn lower_endpoints(
        &mut self,
        server: &Pointer,
        extensions: &Extensions,
        protocol: Protocol,
    ) -> Vec<(String, String)> {
        let pointer = server.join("x-endpoints");
        if !extensions.contains_key("x-endpoints") {
            if protocol == Protocol::HuaweiRest {
                self.error(
                    &pointer,
                    "a Huawei Cloud service needs its region table in `x-endpoints`",
                );
            }
            return Vec::new();
        }
        let Some(map) =
            self.extension_in::<BTreeMap<String, String>>(extensions, "x-endpoints", server)
        else {
            return Vec::new();
        };
        let mut endpoints = Vec::new();
        for (region, host) in map {
            if host.is_empty() || host.contains(['/', ':', ' ']) {
                self.error(
                    &pointer.join(&region),
                    "the endpoint must be a bare host name",
                );
            } else {
                endpoints.push((region, host));
            }
        }
        endpoints
    }

    /// Only `apiKey` schemes, and a query-string scheme names its signing algorithm.
    pub(crate) fn check_security(&mut self) {
        let root = &Pointer::root();
        let doc = self.doc;
        let Some(components) = &doc.api.components else {
            self.error(root, "no `components` (security schemes are required)");
            return;
        };
        let mut problems = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = root.join("components").join("securitySchemes").join(name);
            let ReferenceOr::Item(SecurityScheme::APIKey {
                location,
                extensions,
                ..
            }) = scheme
            else {
                problems.push((
                    pointer,
                    "only `apiKey` security schemes are supported".to_owned(),
                ));
                continue;
            };
            if extensions.contains_key("x-signing") {
                // Serde checks that the algorithm is one the runtime signs with.
                self.extension_in::<SigningSpec>(extensions, "x-signing", &pointer);
            } else if *location == APIKeyLocation::Query {
                problems.push((
                    pointer,
                    "a query-string scheme needs `x-signing`".to_owned(),
                ));
            }
        }
        for (pointer, reason) in problems {
            self.error(&pointer, reason);
        }
    }

    pub(crate) fn lower_tags(&mut self) -> Vec<Tag> {
        let root = &Pointer::root();
        let mut tags: Vec<Tag> = Vec::new();
        for (i, tag) in self.doc.api.tags.iter().enumerate() {
            if tags.iter().any(|t| t.name == tag.name) {
                self.error(
                    &root.join("tags").join(i),
                    format!("tag `{}` is declared twice", tag.name),
                );
                continue;
            }
            tags.push(Tag {
                name: tag.name.clone(),
                description: tag.description.clone(),
            });
        }
        tags
    }
}
