//! Lowering an operation's parameters: path-level and operation-level ones merged, each
//! checked against its location and the path template, its encoding decided, and the
//! parameters that the client fills from its configuration (`x-client-setting`) lifted
//! into client settings.

use std::collections::BTreeSet;

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr};

use super::super::examples::Named;
use super::super::extensions::{SettingSpec, StyleSpec};
use super::super::Lowerer;
use super::paths::PathKey;
use crate::diagnostics::Pointer;
use crate::ir::{Docs, Param, ParamLocation, ParamStyle, Protocol, Setting, SettingParam, TypeRef};
use crate::names;

/// The parts of an operation lowered from its parameters.
#[derive(Default)]
pub(super) struct Params {
    pub(super) params: Vec<(Param, Named)>,
    /// Where each parameter of `params` is listed in the operation.
    pub(super) pointers: Vec<Pointer>,
    pub(super) settings: Vec<SettingParam>,
}

impl Lowerer<'_> {
    pub(super) fn lower_params(
        &mut self,
        id: &str,
        key: &PathKey,
        item: &PathItem,
        op: &openapiv3::Operation,
        at: &Pointer,
    ) -> Params {
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
                let Some((param, defined_at)) = self.resolve_parameter(param, &pointer) else {
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
                    self.error(&pointer, reason);
                    continue;
                }
                merged.retain(|(p, _, _, _)| !same(p));
                merged.push((param, defined_at, pointer, level));
            }
        }
        let mut out = Params::default();
        let mut seen_path: BTreeSet<String> = BTreeSet::new();
        for (param, defined_at, usage, _) in &merged {
            if matches!(param, Parameter::Path { .. }) {
                seen_path.insert(param.parameter_data_ref().name.clone());
            }
            let before = out.params.len();
            self.lower_param(id, param, defined_at, key, &mut out);
            if out.params.len() > before {
                out.pointers.push(usage.clone());
            }
        }
        for name in &key.template_params {
            if !seen_path.contains(name) {
                self.error(
                    at,
                    format!("path template segment `{{{name}}}` has no path parameter"),
                );
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
                self.error(&pointer, reason);
            }
        }
        out
    }

    fn lower_param(
        &mut self,
        id: &str,
        param: &Parameter,
        at: &Pointer,
        key: &PathKey,
        out: &mut Params,
    ) {
        let data = param.parameter_data_ref();
        let Some(location) = location(param) else {
            self.error(at, "cookie parameters are not supported");
            return;
        };
        if location == ParamLocation::Path && !key.template_params.contains(&data.name) {
            self.error(
                at,
                format!("path parameter `{}` is not in the path template", data.name),
            );
            return;
        }
        if location == ParamLocation::Path && !data.required {
            self.error(&at.join("required"), "path parameters must be required");
        }
        if data.extensions.contains_key("x-client-setting") {
            let setting =
                self.extension_in::<SettingSpec>(&data.extensions, "x-client-setting", at);
            if let Some(setting) = setting.and_then(|s| self.lower_setting(s, param, location, at))
            {
                out.settings.push(setting);
            }
            return;
        }
        let Ok(name) = names::snake_ident(&data.name).map_err(|e| self.error(at, e.0)) else {
            return;
        };
        let Ok(type_name) =
            names::nested_type_ident(id, &data.name).map_err(|e| self.error(at, e.0))
        else {
            return;
        };
        let (schema_at, lowered, style, examples_at, examples, single) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let lowered = self.lower_schema(schema, &at.join("schema"), &type_name);
                (
                    at.join("schema"),
                    lowered,
                    ParamStyle::Plain,
                    at.clone(),
                    &data.examples,
                    data.example.as_ref(),
                )
            }
            ParameterSchemaOrContent::Content(content) => {
                let media_at = at.join("content").join("application/json");
                let (Some(media), 1) = (content.get("application/json"), content.len()) else {
                    self.error(
                        &at.join("content"),
                        "a parameter's `content` must be exactly `application/json`",
                    );
                    return;
                };
                let Some(schema) = &media.schema else {
                    self.error(&media_at, "the media type needs a `schema`");
                    return;
                };
                let lowered = self.lower_schema(schema, &media_at.join("schema"), &type_name);
                (
                    media_at.join("schema"),
                    lowered,
                    ParamStyle::Json,
                    media_at,
                    &media.examples,
                    media.example.as_ref(),
                )
            }
        };
        let Some(lowered) = lowered else { return };
        let Some(style) = self.param_style(param, location, style, &lowered.ty, &schema_at, at)
        else {
            return;
        };
        let named = self.collect_examples(examples, single, &examples_at, &lowered.ty);
        let docs = Docs {
            description: data.description.clone().or(lowered.description.clone()),
            ..self.docs(None, None, &data.extensions, at)
        };
        out.params.push((
            Param {
                name,
                wire_name: data.name.clone(),
                location,
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
                self.error(at, "only query parameters may carry JSON content");
                return None;
            }
            return Some(style);
        }
        let is_scalar = matches!(
            ty,
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool
        ) || matches!(ty, TypeRef::Named(n) if self.is_enum(n));
        let is_list = matches!(ty, TypeRef::Array(inner) if !matches!(**inner, TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Json));
        let data = param.parameter_data_ref();
        let dot_indexed = match data.extensions.get("x-style") {
            None => false,
            Some(_) => {
                let style = self.extension_in::<StyleSpec>(&data.extensions, "x-style", at)?;
                style == StyleSpec::DotIndexed
            }
        };
        if dot_indexed && is_scalar {
            let reason = format!(
                "`x-style: dot-indexed` is only for array parameters; `{}` is a scalar",
                data.name
            );
            self.error(&at.join("x-style"), reason);
            return None;
        }
        match (location, is_scalar, is_list) {
            (_, true, _) if !dot_indexed => Some(ParamStyle::Plain),
            (ParamLocation::Query, _, true) => match self.protocol {
                Protocol::QingCloudAction if dot_indexed => Some(ParamStyle::DotIndexed),
                Protocol::QingCloudAction => {
                    self.error(at, "an array parameter of an action-style operation needs `x-style: dot-indexed`");
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
                        self.error(at, "array query parameters must use `style: form` with `explode: true` (repeated keys)");
                        return None;
                    }
                    Some(ParamStyle::Plain)
                }
            },
            _ => {
                self.error(
                    schema_at,
                    "unsupported parameter type: path and header parameters must be scalars, query parameters scalars or arrays of them (objects need `content: application/json`)",
                );
                None
            }
        }
    }

    pub(super) fn is_enum(&self, name: &str) -> bool {
        matches!(
            self.types.get(name).map(|t| &t.kind),
            Some(crate::ir::TypeKind::Enum(_))
        )
    }

    fn lower_setting(
        &mut self,
        spec: SettingSpec,
        param: &Parameter,
        location: ParamLocation,
        at: &Pointer,
    ) -> Option<SettingParam> {
        let pointer = at.join("x-client-setting");
        let setting = Setting::from(spec);
        let (name, expected, protocol) = match setting {
            Setting::ProjectId => ("project_id", ParamLocation::Path, Protocol::HuaweiRest),
            Setting::Language => ("language", ParamLocation::Header, Protocol::HuaweiRest),
            Setting::Zone => ("zone", ParamLocation::Query, Protocol::QingCloudAction),
        };
        if location != expected || protocol != self.protocol {
            self.error(
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
