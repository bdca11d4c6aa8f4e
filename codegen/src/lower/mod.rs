//! Lowering: the typed OpenAPI document becomes the IR. Every problem is recorded with its
//! JSON pointer and lowering goes on, so one run reports them all.

mod checks;
mod examples;
mod extensions;
mod lists_and_jobs;
pub mod merge;
mod operations;
mod refs;
mod schemas;
mod waiters;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme};
use serde_json::Value;

use crate::diagnostics::{Diagnostics, Pointer};
use crate::ir::{
    ClientSettings, Docs, Example, Protocol, Service, Tag, TypeDef, TypeKind, TypeRef,
};
use crate::load::Document;
use crate::names;
use extensions::{ErrataSpec, ErrorCodeSpec, ProtocolSpec, SigningSpec};

/// Lowers one parsed document; `crate_name` comes from the spec's file path.
pub fn lower(doc: &Document, crate_name: &str) -> Result<Service, Diagnostics> {
    let mut cx = Lowerer::new(doc);
    let service = cx.lower_service(crate_name);
    if cx.diags.is_empty() {
        service.ok_or_else(|| cx.diags.clone())
    } else {
        Err(cx.diags)
    }
}

/// State of one lowering run.
pub(crate) struct Lowerer<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) diags: Diagnostics,
    pub(crate) protocol: Protocol,
    /// Named types by Rust name.
    pub(crate) types: BTreeMap<String, TypeDef>,
    /// Lowered component schemas by component name.
    pub(crate) components: BTreeMap<String, Option<schemas::Lowered>>,
    /// Examples by pointer (as text, the order of the IR's list), with the type each
    /// decodes into.
    pub(crate) examples: BTreeMap<String, (Pointer, TypeRef)>,
    /// Client settings seen on parameters.
    pub(crate) settings: ClientSettings,
    /// Component schemas being lowered (to detect recursion without an object).
    pub(crate) in_progress: BTreeSet<String>,
    /// Named types that response bodies (success or error) start from.
    pub(crate) response_roots: BTreeSet<String>,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a Document) -> Self {
        Self {
            doc,
            diags: Diagnostics::default(),
            protocol: Protocol::HuaweiRest,
            types: BTreeMap::new(),
            components: BTreeMap::new(),
            examples: BTreeMap::new(),
            settings: ClientSettings::default(),
            in_progress: BTreeSet::new(),
            response_roots: BTreeSet::new(),
        }
    }

    /// Records a problem at `pointer`.
    pub(crate) fn error(&mut self, pointer: &Pointer, reason: impl Into<String>) {
        self.diags.push(&self.doc.file, pointer, reason);
    }

    fn lower_service(&mut self, crate_name: &str) -> Option<Service> {
        let api = &self.doc.api;
        let root = Pointer::root();
        let protocol = self.lower_protocol(&root);
        self.protocol = protocol.unwrap_or(Protocol::HuaweiRest);
        let (default_host, endpoints) = self.lower_servers(&root);
        self.check_security(&root);
        let tags = self.lower_tags(&root);
        self.check_raw_keys();
        let mut operations = self.lower_operations(&tags);
        self.check_unreferenced_components();
        self.check_response_schemas();
        self.check_schema_names(&operations);
        let version = api.info.version.clone();
        self.mark_validated_types();
        let error_codes = self.lower_error_codes(&root);
        let job_poller = self.lower_job_poller(&operations);
        let waiters = self.lower_waiters(&mut operations);
        let mut service = Service {
            spec_file: self.doc.file.clone(),
            crate_name: crate_name.to_owned(),
            lib_name: names::lib_name(crate_name),
            title: api.info.title.clone(),
            description: api.info.description.clone(),
            version,
            protocol: protocol?,
            default_host: default_host?,
            endpoints,
            settings: self.settings.clone(),
            tags,
            types: self.types.values().cloned().collect(),
            operations,
            examples: self
                .examples
                .values()
                .map(|(pointer, ty)| Example {
                    pointer: pointer.clone(),
                    ty: ty.clone(),
                })
                .collect(),
            error_codes,
            job_poller,
            merged_types: Vec::new(),
            waiters,
        };
        service.merged_types = merge::merge_identical_types(&mut service);
        mark_answer_only(&mut service);
        Some(service)
    }

    /// The root `x-error-codes` table: a list of `{code, status, message}`. Each entry is
    /// read on its own, so that every bad entry is reported.
    fn lower_error_codes(&mut self, root: &Pointer) -> Vec<crate::ir::ErrorCodeDef> {
        let doc = self.doc;
        let at = root.join("x-error-codes");
        let Some(entries) =
            self.extension_in::<Vec<Value>>(&doc.api.extensions, "x-error-codes", root)
        else {
            return Vec::new();
        };
        let mut codes: Vec<crate::ir::ErrorCodeDef> = Vec::new();
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
                codes.push(crate::ir::ErrorCodeDef {
                    code: spec.code,
                    status: spec.status,
                    message: spec.message,
                });
            }
        }
        codes.sort();
        codes
    }

    fn lower_protocol(&mut self, root: &Pointer) -> Option<Protocol> {
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

    /// The default host and the region table of the first server.
    fn lower_servers(&mut self, root: &Pointer) -> (Option<String>, Vec<(String, String)>) {
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
        let endpoints = self.lower_endpoints(&pointer, &server.extensions);
        (host, endpoints)
    }

    fn lower_endpoints(
        &mut self,
        server: &Pointer,
        extensions: &indexmap_like::Extensions,
    ) -> Vec<(String, String)> {
        let pointer = server.join("x-endpoints");
        if !extensions.contains_key("x-endpoints") {
            if self.protocol == Protocol::HuaweiRest {
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

    fn check_security(&mut self, root: &Pointer) {
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

    fn lower_tags(&mut self, root: &Pointer) -> Vec<Tag> {
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

    /// Registers a named type, reporting a name already taken by another schema.
    pub(crate) fn define_type(&mut self, def: TypeDef) {
        if let Some(existing) = self.types.get(&def.name) {
            if existing.pointer != def.pointer {
                let reason = format!(
                    "the type name `{}` is also generated for {}; rename one of them",
                    def.name, existing.pointer
                );
                self.error(&def.pointer, reason);
            }
            return;
        }
        self.types.insert(def.name.clone(), def);
    }

    /// Computes which types need client-side checks: enums always (a request may not send
    /// an unknown value), structs and aliases when a field has checks or reaches such a type.
    fn mark_validated_types(&mut self) {
        loop {
            let mut changed = false;
            let validated: Vec<String> = self
                .types
                .values()
                .filter(|t| t.validated)
                .map(|t| t.name.clone())
                .collect();
            let reaches =
                |ty: &TypeRef| ty.named().is_some_and(|n| validated.iter().any(|v| v == n));
            for def in self.types.values_mut() {
                if def.validated {
                    continue;
                }
                let needed = match &def.kind {
                    TypeKind::Enum(_) => true,
                    TypeKind::Struct(fields) => fields
                        .iter()
                        .any(|f| !f.checks.is_empty() || reaches(&f.ty)),
                    TypeKind::Alias(ty) => reaches(ty),
                };
                if needed {
                    def.validated = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Reads `x-doc-erratum` (a string or a list of strings) from an extension map.
    pub(crate) fn errata(
        &mut self,
        extensions: &indexmap_like::Extensions,
        pointer: &Pointer,
    ) -> Vec<String> {
        self.extension_in::<ErrataSpec>(extensions, "x-doc-erratum", pointer)
            .map_or_else(Vec::new, Vec::from)
    }

    /// Documentation from a description and the errata of the same node.
    pub(crate) fn docs(
        &mut self,
        summary: Option<&String>,
        description: Option<&String>,
        extensions: &indexmap_like::Extensions,
        pointer: &Pointer,
    ) -> Docs {
        Docs {
            summary: summary.cloned(),
            description: description.cloned(),
            errata: self.errata(extensions, pointer),
        }
    }
}

/// Marks the types that only answers reach (see [`TypeDef::answer_only`]).
fn mark_answer_only(service: &mut Service) {
    let requests = service.request_types();
    for def in &mut service.types {
        def.answer_only = !requests.contains(&def.name);
    }
}

/// The extension map type of `openapiv3` objects.
pub(crate) mod indexmap_like {
    /// `x-` extensions of an OpenAPI object.
    pub(crate) type Extensions = indexmap::IndexMap<String, serde_json::Value>;
}
