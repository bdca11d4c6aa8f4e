//! Lowering an operation's parameters: path-level and operation-level ones merged, each
//! checked against its location and the path template, its encoding decided, and the
//! parameters that the client fills from its configuration (`x-client-setting`) lifted
//! into client settings.

use std::collections::BTreeSet;

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr};

use super::super::extensions::{SettingSpec, StyleSpec};
use super::super::schemas::SchemaUse;
use super::examples::{ExampleSource, Named};
use super::paths::PathKey;
use super::{OperationLowerer, OperationReader};
use crate::diagnostics::Pointer;
use crate::ir::{Docs, Param, ParamLocation, ParamStyle, Protocol, Setting, SettingParam, TypeRef};
use crate::names;

/// A parameter as read, before its schema is lowered.
pub(super) struct ParamDraft {
    param: Parameter,
    /// Where the parameter is defined (a component, or the operation).
    at: Pointer,
    /// Where the operation lists it.
    usage: Pointer,
    location: ParamLocation,
    value: ParamValue,
}

/// Who gives a parameter its value.
enum ParamValue {
    /// The client, from its configuration.
    Setting(SettingSpec),
    /// The caller (boxed: it is much larger than a setting).
    Caller(Box<CallerParam>),
}

/// A parameter the caller sets.
struct CallerParam {
    /// The Rust name.
    name: String,
    schema: SchemaUse,
    /// `ParamStyle::Json` for JSON content, else `ParamStyle::Plain` until its type is known.
    style: ParamStyle,
    examples: ExampleSource,
}

impl ParamDraft {
    pub(super) fn schema_use(&self) -> Option<&SchemaUse> {
        match &self.value {
            ParamValue::Setting(_) => None,
            ParamValue::Caller(caller) => Some(&caller.schema),
        }
    }
}

/// The parts of an operation lowered from its parameters.
#[derive(Default)]
pub(super) struct Params {
    pub(super) params: Vec<(Param, Named)>,
    /// Where each parameter of `params` is listed in the operation.
    pub(super) pointers: Vec<Pointer>,
    pub(super) settings: Vec<SettingParam>,
}

impl OperationReader<'_, '_> {
    pub(super) fn read_params(
        &mut self,
        id: &str,
        key: &PathKey,
        item: &PathItem,
        op: &openapiv3::Operation,
        at: &Pointer,
    ) -> Vec<ParamDraft> {
        // Operation-level parameters override path-level ones with the same name and
        // location; within one level, a parameter may be declared once.
        let item_at = parent(at);
        let mut merged: Vec<(Parameter, Pointer, Pointer, usize)> = Vec::new();
        for (level, (list, base)) in [(&item.parameters, &item_at), (&op.parameters, at)]
            .into_iter()
            .enumerate()
        {
            for (i, param) in list.iter().enumerate() {
                let pointer = base.join("parameters").join(i);
                let Some((param, defined_at)) = self.spec.resolve_parameter(param, &pointer) else {
                    continue;
                };
                let name = param.parameter_data_ref().name.clone();
                let same = |p: &Parameter| {
                    p.parameter_data_ref().name == name && location(p) == location(&param)
                };
                if let Some((_, _, first, _)) =
                    merged.iter().find(|(p, _, _, l)| *l == level && same(p))
                {
                    let kind = location(&param).map_or("cookie", location_name);
                    let reason = format!(
                        "the {kind} parameter `{name}` is declared twice (also at {first})"
                    );
                    self.spec.error(&pointer, reason);
                    continue;
                }
                merged.retain(|(p, _, _, _)| !same(p));
                merged.push((param, defined_at, pointer, level));
            }
        }
        let mut drafts = Vec::new();
        let mut seen_path: BTreeSet<String> = BTreeSet::new();
        for (param, defined_at, usage, _) in merged {
            if matches!(param, Parameter::Path { .. }) {
                seen_path.insert(param.parameter_data_ref().name.clone());
            }
            drafts.extend(self.read_param(id, param, defined_at, usage, key));
        }
        for name in &key.template_params {
            if !seen_path.contains(name) {
                self.spec.error(
                    at,
                    format!("path template segment `{{{name}}}` has no path parameter"),
                );
            }
        }
        drafts
    }

    fn read_param(
        &mut self,
        id: &str,
        param: Parameter,
        at: Pointer,
        usage: Pointer,
        key: &PathKey,
    ) -> Option<ParamDraft> {
        let data = param.parameter_data_ref();
        let Some(location) = location(&param) else {
            self.spec.error(&at, "cookie parameters are not supported");
            return None;
        };
        if location == ParamLocation::Path && !key.template_params.contains(&data.name) {
            self.spec.error(
                &at,
                format!("path parameter `{}` is not in the path template", data.name),
            );
            return None;
        }
        if location == ParamLocation::Path && !data.required {
            self.spec
                .error(&at.join("required"), "path parameters must be required");
        }
        let value = if data.extensions.contains_key("x-client-setting") {
            let setting =
                self.spec
                    .extension_in::<SettingSpec>(&data.extensions, "x-client-setting", &at)?;
            ParamValue::Setting(setting)
        } else {
            let name = names::snake_ident(&data.name)
                .map_err(|e| self.spec.error(&at, e.0))
                .ok()?;
            let type_name = names::nested_type_ident(id, &data.name)
                .map_err(|e| self.spec.error(&at, e.0))
                .ok()?;
            let caller = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => CallerParam {
                    name,
                    schema: SchemaUse::new(schema, at.join("schema"), type_name),
                    style: ParamStyle::Plain,
                    examples: ExampleSource {
                        at: at.clone(),
                        examples: data.examples.clone(),
                        single: data.example.clone(),
                    },
                },
                ParameterSchemaOrContent::Content(content) => {
                    let media_at = at.join("content").join("application/json");
                    let (Some(media), 1) = (content.get("application/json"), content.len()) else {
                        self.spec.error(
                            &at.join("content"),
                            "a parameter's `content` must be exactly `application/json`",
                        );
                        return None;
                    };
                    let Some(schema) = &media.schema else {
                        self.spec
                            .error(&media_at, "the media type needs a `schema`");
                        return None;
                    };
                    CallerParam {
                        name,
                        schema: SchemaUse::new(schema, media_at.join("schema"), type_name),
                        style: ParamStyle::Json,
                        examples: ExampleSource {
                            at: media_at,
                            examples: media.examples.clone(),
                            single: media.example.clone(),
                        },
                    }
                }
            };
            ParamValue::Caller(Box::new(caller))
        };
        Some(ParamDraft {
            param,
            at,
            usage,
            location,
            value,
        })
    }
}

impl OperationLowerer<'_, '_> {
    pub(super) fn lower_params(&mut self, drafts: &[ParamDraft]) -> Params {
        let mut out = Params::default();
        for draft in drafts {
            let before = out.params.len();
            self.lower_param(draft, &mut out);
            if out.params.len() > before {
                out.pointers.push(draft.usage.clone());
            }
        }
        for i in 0..out.params.len() {
            let (param, _) = &out.params[i];
            if let Some((first, _)) = out.params[..i].iter().find(|(p, _)| p.name == param.name) {
                let reason = format!(
                    "parameters `{}` and `{}` both become the Rust name `{}`",
                    first.wire_name, param.wire_name, param.name
                );
                let pointer = out.pointers[i].clone();
                self.spec.error(&pointer, reason);
            }
        }
        out
    }

    fn lower_param(&mut self, draft: &ParamDraft, out: &mut Params) {
        let ParamDraft {
            param,
            at,
            location,
            value,
            ..
        } = draft;
        let (name, schema, style, examples) = match value {
            ParamValue::Setting(setting) => {
                if let Some(setting) = self.lower_setting(*setting, param, *location, at) {
                    out.settings.push(setting);
                }
                return;
            }
            ParamValue::Caller(caller) => {
                (&caller.name, &caller.schema, caller.style, &caller.examples)
            }
        };
        let Some(lowered) = self.schemas.lowered(schema) else {
            return;
        };
        let Some(style) = self.param_style(param, *location, style, &lowered.ty, &schema.at, at)
        else {
            return;
        };
        let named = self.collect_examples(examples, &lowered.ty);
        let data = param.parameter_data_ref();
        let docs = Docs {
            description: data.description.clone().or(lowered.description.clone()),
            ..self.spec.docs(None, None, &data.extensions, at)
        };
        out.params.push((
            Param {
                name: name.clone(),
                wire_name: data.name.clone(),
                location: *location,
                style,
                ty: lowered.ty,
                required: data.required,
                docs,
                checks: lowered.checks,
                secret: lowered.secret,
            },
            named,
        ));
    }

    /// Checks that a parameter's type can travel where it is, and decides its encoding.
    fn param_style(
        &mut self,
        param: &Parameter,
        location: ParamLocation,
        style: ParamStyle,
        ty: &TypeRef,
        schema_at: &Pointer,
        at: &Pointer,
    ) -> Option<ParamStyle> {
        if style == ParamStyle::Json {
            if location != ParamLocation::Query {
                self.spec
                    .error(at, "only query parameters may carry JSON content");
                return None;
            }
            return Some(style);
        }
        let is_scalar = matches!(
            ty,
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool
        ) || matches!(ty, TypeRef::Named(n) if self.schemas.types.is_enum(n));
        let is_list = matches!(ty, TypeRef::Array(inner) if !matches!(**inner, TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Json));
        let data = param.parameter_data_ref();
        let dot_indexed = match data.extensions.get("x-style") {
            None => false,
            Some(_) => {
                let style = self
                    .spec
                    .extension_in::<StyleSpec>(&data.extensions, "x-style", at)?;
                style == StyleSpec::DotIndexed
            }
        };
        if dot_indexed && is_scalar {
            let reason = format!(
                "`x-style: dot-indexed` is only for array parameters; `{}` is a scalar",
                data.name
            );
            self.spec.error(&at.join("x-style"), reason);
            return None;
        }
        match (location, is_scalar, is_list) {
            (_, true, _) if !dot_indexed => Some(ParamStyle::Plain),
            (ParamLocation::Query, _, true) => match self.protocol {
                Protocol::QingCloudAction if dot_indexed => Some(ParamStyle::DotIndexed),
                Protocol::QingCloudAction => {
                    self.spec.error(at, "an array parameter of an action-style operation needs `x-style: dot-indexed`");
                    None
                }
                Protocol::HuaweiRest => {
                    let form = matches!(
                        param,
                        Parameter::Query {
                            style: QueryStyle::Form,
                            ..
                        }
                    ) && param.parameter_data_ref().explode != Some(false);
                    if !form || dot_indexed {
                        self.spec.error(at, "array query parameters must use `style: form` with `explode: true` (repeated keys)");
                        return None;
                    }
                    Some(ParamStyle::Plain)
                }
            },
            _ => {
                self.spec.error(
                    schema_at,
                    "unsupported parameter type: path and header parameters must be scalars, query parameters scalars or arrays of them (objects need `content: application/json`)",
                );
                None
            }
        }
    }

    fn lower_setting(
        &mut self,
        setting: SettingSpec,
        param: &Parameter,
        location: ParamLocation,
        at: &Pointer,
    ) -> Option<SettingParam> {
        let pointer = at.join("x-client-setting");
        let setting = Setting::from(setting);
        let (name, expected, protocol) = match setting {
            Setting::ProjectId => ("project_id", ParamLocation::Path, Protocol::HuaweiRest),
            Setting::Language => ("language", ParamLocation::Header, Protocol::HuaweiRest),
            Setting::Zone => ("zone", ParamLocation::Query, Protocol::QingCloudAction),
        };
        if location != expected || protocol != self.protocol {
            self.spec.error(
                &pointer,
                format!(
                    "the `{name}` setting is for a {} parameter of a `{}` spec",
                    location_name(expected),
                    match protocol {
                        Protocol::HuaweiRest => "huaweicloud-rest",
                        Protocol::QingCloudAction => "qingcloud-action",
                    }
                ),
            );
            return None;
        }
        match setting {
            Setting::ProjectId => self.settings.project_id = true,
            Setting::Zone => self.settings.zone = true,
            Setting::Language => {
                let values = match &param.parameter_data_ref().format {
                    ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
                        match &schema.schema_kind {
                            openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => {
                                s.enumeration.iter().flatten().cloned().collect()
                            }
                            _ => Vec::new(),
                        }
                    }
                    _ => Vec::new(),
                };
                self.settings.language = Some(values);
            }
        }
        Some(SettingParam {
            setting,
            wire_name: param.parameter_data_ref().name.clone(),
            location,
        })
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

fn location(param: &Parameter) -> Option<ParamLocation> {
    match param {
        Parameter::Path { .. } => Some(ParamLocation::Path),
        Parameter::Query { .. } => Some(ParamLocation::Query),
        Parameter::Header { .. } => Some(ParamLocation::Header),
        Parameter::Cookie { .. } => None,
    }
}

fn parent(pointer: &Pointer) -> Pointer {
    let segments = pointer.segments();
    segments[..segments.len().saturating_sub(1)]
        .iter()
        .fold(Pointer::root(), |p, s| p.join(s))
}
