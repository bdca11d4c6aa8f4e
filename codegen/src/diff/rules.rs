//! The compatibility rules of the parent module's documentation: two lowered services are
//! matched item by item (crates, operations, parameters, types, fields, enum values,
//! regions, error codes) and every difference is recorded as breaking or compatible.

use std::collections::{BTreeMap, BTreeSet};

use super::report::{Recorder, Report};
use crate::ir::{
    Body, Field, Operation, Output, Param, ParamLocation, Service, TypeDef, TypeKind, TypeRef,
};
use crate::lower;

/// Compares the services of the old specs with those of the new ones.
pub fn compare(old: &[Service], new: &[Service]) -> Report {
    let mut changes = Vec::new();
    for pair in pair_up(old, new, |s| s.crate_name.clone()) {
        match pair {
            Pair::Removed(service) => {
                Recorder::new(&service.crate_name, &mut changes).breaking(
                    "crate",
                    format!("removed (its spec {} is gone)", service.spec_file),
                );
            }
            Pair::Added(service) => {
                Recorder::new(&service.crate_name, &mut changes)
                    .compatible("crate", format!("added (from {})", service.spec_file));
            }
            Pair::Both(old, new) => {
                let mut out = Recorder::new(&new.crate_name, &mut changes);
                report_merges(old, new, &mut out);
                let old_merged = merged_names(old);
                let new_merged = merged_names(new);
                // An old reference names what the old crate called the type; seen from the
                // new crate, a name merged there is its canonical type.
                let old_names = |name: &str| {
                    let first = old_merged.get(name).map_or(name, String::as_str);
                    Some(
                        new_merged
                            .get(first)
                            .map_or(first, String::as_str)
                            .to_owned(),
                    )
                };
                let new_names = |name: &str| new_merged.get(name).cloned();
                compare_service(
                    &lower::merge::unmerged_view(old, &old_names),
                    &lower::merge::unmerged_view(new, &new_names),
                    &mut out,
                );
            }
        }
    }
    // A stable sort: within a crate and a class the changes keep the order of the API.
    changes.sort_by(|a, b| {
        a.crate_name
            .cmp(&b.crate_name)
            .then(b.breaking.cmp(&a.breaking))
    });
    Report { changes }
}

/// Each merged name of a service and the canonical type it is an alias of.
fn merged_names(service: &Service) -> BTreeMap<String, String> {
    service
        .merged_types
        .iter()
        .flat_map(|group| {
            group
                .aliases
                .iter()
                .map(|(alias, _)| (alias.clone(), group.canonical.clone()))
        })
        .collect()
}

/// Types newly generated as aliases of an identical type: compatible, since the name stays
/// and means the same shape. (Their shapes are compared like any other type's.)
fn report_merges(old: &Service, new: &Service, out: &mut Recorder<'_>) {
    let before = merged_names(old);
    for (alias, canonical) in merged_names(new) {
        if before.get(&alias) != Some(&canonical) {
            out.compatible(
                &format!("type `{alias}`"),
                format!("now an alias of the identical `{canonical}`"),
            );
        }
    }
}
/// An item of the old list, of the new one, or of both.
enum Pair<'a, T> {
    Removed(&'a T),
    Added(&'a T),
    Both(&'a T, &'a T),
}

/// Matches the items of two lists by key, in key order.
fn pair_up<'a, T, K: Ord>(old: &'a [T], new: &'a [T], key: impl Fn(&T) -> K) -> Vec<Pair<'a, T>> {
    let mut slots: BTreeMap<K, (Option<&T>, Option<&T>)> = BTreeMap::new();
    for item in old {
        slots.entry(key(item)).or_default().0 = Some(item);
    }
    for item in new {
        slots.entry(key(item)).or_default().1 = Some(item);
    }
    slots
        .into_values()
        .filter_map(|slot| match slot {
            (Some(old), Some(new)) => Some(Pair::Both(old, new)),
            (Some(old), None) => Some(Pair::Removed(old)),
            (None, Some(new)) => Some(Pair::Added(new)),
            (None, None) => None,
        })
        .collect()
}

fn compare_service(old: &Service, new: &Service, out: &mut Recorder<'_>) {
    compare_client(old, new, out);
    let requests: BTreeSet<String> = old
        .request_types()
        .union(&new.request_types())
        .cloned()
        .collect();
    for pair in pair_up(&old.operations, &new.operations, |op| {
        op.method_name.clone()
    }) {
        match pair {
            Pair::Removed(op) => out.breaking(&operation_location(op), "removed"),
            Pair::Added(op) => out.compatible(&operation_location(op), "added"),
            Pair::Both(old, new) => compare_operation(old, new, out),
        }
    }
    for pair in pair_up(&old.types, &new.types, |t| t.name.clone()) {
        match pair {
            Pair::Removed(def) => out.breaking(&type_location(def), "removed"),
            Pair::Added(def) => out.compatible(
                &type_location(def),
                format!("added ({})", kind_name(&def.kind)),
            ),
            Pair::Both(old, new) => compare_type(old, new, requests.contains(&new.name), out),
        }
    }
    match (&old.job_poller, &new.job_poller) {
        (Some(_), None) => out.breaking(
            "client",
            "no longer has `wait_for_job` (the job poller was removed)",
        ),
        (None, Some(poller)) => out.compatible(
            "client",
            format!("`wait_for_job` added (polls `{}`)", poller.method_name),
        ),
        (Some(before), Some(after)) if before != after => out.compatible(
            "client",
            format!(
                "`wait_for_job` polls differently (now `{}`, status at `{}`)",
                after.method_name, after.status
            ),
        ),
        _ => {}
    }
    for pair in pair_up(&old.error_codes, &new.error_codes, |c| c.code.clone()) {
        match pair {
            Pair::Removed(code) => {
                out.compatible(&format!("error code `{}`", code.code), "removed");
            }
            Pair::Added(code) => out.compatible(
                &format!("error code `{}`", code.code),
                format!("added (status {}: {})", code.status, code.message),
            ),
            Pair::Both(old, new) => {
                let location = format!("error code `{}`", new.code);
                if old.status != new.status {
                    out.compatible(
                        &location,
                        format!("status changed from {} to {}", old.status, new.status),
                    );
                }
                if old.message != new.message {
                    out.compatible(
                        &location,
                        format!(
                            "message changed from \"{}\" to \"{}\"",
                            old.message, new.message
                        ),
                    );
                }
            }
        }
    }
}

/// The protocol, the default host and the region table.
fn compare_client(old: &Service, new: &Service, out: &mut Recorder<'_>) {
    if old.protocol != new.protocol {
        out.breaking(
            "client",
            format!(
                "protocol changed from {:?} to {:?}",
                old.protocol, new.protocol
            ),
        );
    }
    if old.default_host != new.default_host {
        out.compatible(
            "client",
            format!(
                "default host changed from `{}` to `{}`",
                old.default_host, new.default_host
            ),
        );
    }
    for pair in pair_up(&old.endpoints, &new.endpoints, |(region, _)| region.clone()) {
        match pair {
            Pair::Removed((region, host)) => out.breaking(
                &format!("region `{region}`"),
                format!("removed (was `{host}`)"),
            ),
            Pair::Added((region, host)) => {
                out.compatible(&format!("region `{region}`"), format!("added (`{host}`)"));
            }
            Pair::Both((region, old_host), (_, new_host)) if old_host != new_host => out
                .compatible(
                    &format!("region `{region}`"),
                    format!("host changed from `{old_host}` to `{new_host}`"),
                ),
            Pair::Both(..) => {}
        }
    }
}

fn operation_location(op: &Operation) -> String {
    format!("operation `{}` ({})", op.method_name, op.id)
}

fn compare_operation(old: &Operation, new: &Operation, out: &mut Recorder<'_>) {
    let location = operation_location(new);
    if old.id != new.id {
        out.breaking(
            &location,
            format!(
                "operationId changed from {} to {} (the input and builder types are renamed)",
                old.id, new.id
            ),
        );
    }
    if old.method != new.method || old.path != new.path {
        out.breaking(
            &location,
            format!(
                "now `{} {}` (was `{} {}`)",
                new.method.as_str(),
                new.path,
                old.method.as_str(),
                old.path
            ),
        );
    }
    if old.fixed_query != new.fixed_query {
        out.breaking(
            &location,
            format!(
                "fixed query changed from `{}` to `{}`",
                query_text(&old.fixed_query),
                query_text(&new.fixed_query)
            ),
        );
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => {
            let replacement = new
                .replaced_by
                .as_ref()
                .map(|m| format!(" (replaced by `{m}`)"))
                .unwrap_or_default();
            out.compatible(&location, format!("deprecated{replacement}"));
        }
        (true, false) => out.compatible(&location, "no longer deprecated"),
        _ => {}
    }
    for pair in pair_up(&old.params, &new.params, |p| p.name.clone()) {
        match pair {
            Pair::Removed(param) => out.breaking(&param_location(new, param), "removed"),
            Pair::Added(param) if param.required => out.breaking(
                &param_location(new, param),
                "added as required (calls that do not set it fail)",
            ),
            Pair::Added(param) => out.compatible(&param_location(new, param), "added (optional)"),
            Pair::Both(old_param, new_param) => compare_param(new, old_param, new_param, out),
        }
    }
    compare_body(new, old.body.as_ref(), new.body.as_ref(), out);
    compare_output(new, &old.output, &new.output, out);
    compare_paging_and_job(old, new, out);
}

/// `pages`/`items` exist only on paged lists, `send_and_wait` only on job-starting
/// operations: losing them breaks callers, gaining them does not. A changed way of paging
/// keeps the methods but changes which requests they send, so it is reported.
fn compare_paging_and_job(old: &Operation, new: &Operation, out: &mut Recorder<'_>) {
    let location = operation_location(new);
    match (&old.pagination, &new.pagination) {
        (Some(_), None) => out.breaking(&location, "no longer paged (`pages` and `items` removed)"),
        (None, Some(_)) => out.compatible(&location, "now paged (`pages` and `items` added)"),
        (Some(before), Some(after)) if before != after => {
            out.compatible(
                &location,
                "pages differently (cursor, page size or end of list changed)",
            );
        }
        _ => {}
    }
    match (&old.job, &new.job) {
        (Some(_), None) => out.breaking(
            &location,
            "no longer starts a job (`send_and_wait` removed)",
        ),
        (None, Some(_)) => out.compatible(
            &location,
            "now starts a job (`send_and_wait` added where the service has a job poller)",
        ),
        (Some(before), Some(after)) if before != after => {
            out.breaking(
                &location,
                format!(
                    "the job id is now in `{}` (was `{}`)",
                    after.wire_name, before.wire_name
                ),
            );
        }
        _ => {}
    }
}

fn query_text(pairs: &[(String, String)]) -> String {
    let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join("&")
}

fn param_location(op: &Operation, param: &Param) -> String {
    format!("{}, parameter `{}`", operation_location(op), param.name)
}

fn compare_param(op: &Operation, old: &Param, new: &Param, out: &mut Recorder<'_>) {
    let location = param_location(op, new);
    if old.ty != new.ty {
        out.breaking(
            &location,
            format!(
                "type changed from `{}` to `{}`",
                type_text(&old.ty),
                type_text(&new.ty)
            ),
        );
    }
    match (old.required, new.required) {
        (false, true) => out.breaking(&location, "now required"),
        (true, false) => out.compatible(
            &location,
            format!(
                "now optional (the setter is unchanged; the `{}` field becomes an `Option`)",
                op.input_name
            ),
        ),
        _ => {}
    }
    if old.location != new.location || old.wire_name != new.wire_name {
        out.breaking(
            &location,
            format!(
                "now sent as {} `{}` (was {} `{}`)",
                location_name(new),
                new.wire_name,
                location_name(old),
                old.wire_name
            ),
        );
    }
    if old.style != new.style {
        out.breaking(
            &location,
            format!("encoding changed from {:?} to {:?}", old.style, new.style),
        );
    }
}

fn location_name(param: &Param) -> &'static str {
    match param.location {
        ParamLocation::Path => "path parameter",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
    }
}

fn compare_body(op: &Operation, old: Option<&Body>, new: Option<&Body>, out: &mut Recorder<'_>) {
    let location = format!("{}, request body", operation_location(op));
    match (old, new) {
        (None, None) => {}
        (Some(_), None) => out.breaking(&location, "removed"),
        (None, Some(body)) if body.required => out.breaking(
            &location,
            format!(
                "added as required `{}` (calls that do not set it fail)",
                type_text(&body.ty)
            ),
        ),
        (None, Some(body)) => out.compatible(
            &location,
            format!("added as optional `{}`", type_text(&body.ty)),
        ),
        (Some(old), Some(new)) => {
            if old.ty != new.ty {
                out.breaking(
                    &location,
                    format!(
                        "type changed from `{}` to `{}`",
                        type_text(&old.ty),
                        type_text(&new.ty)
                    ),
                );
            }
            match (old.required, new.required) {
                (false, true) => out.breaking(&location, "now required"),
                (true, false) => out.compatible(
                    &location,
                    format!(
                        "now optional (the setter is unchanged; the `{}` field becomes an `Option`)",
                        op.input_name
                    ),
                ),
                _ => {}
            }
        }
    }
}

fn compare_output(op: &Operation, old: &Output, new: &Output, out: &mut Recorder<'_>) {
    let location = format!("{}, output", operation_location(op));
    let (old_type, new_type) = (output_text(old), output_text(new));
    if old_type != new_type {
        out.breaking(
            &location,
            format!("type changed from `{old_type}` to `{new_type}`"),
        );
        return;
    }
    match (old, new) {
        (
            Output::PerStatus {
                name,
                variants: old_variants,
                ..
            },
            Output::PerStatus {
                variants: new_variants,
                ..
            },
        ) => {
            for pair in pair_up(old_variants, new_variants, |(_, variant, _)| {
                variant.clone()
            }) {
                match pair {
                    Pair::Removed((status, variant, _)) => out.breaking(
                        &location,
                        format!("variant `{name}::{variant}` (status {status}) removed"),
                    ),
                    Pair::Added((status, variant, _)) => out.breaking(
                        &location,
                        format!("variant `{name}::{variant}` (status {status}) added"),
                    ),
                    Pair::Both((old_status, variant, old_ty), (new_status, _, new_ty)) => {
                        if old_ty != new_ty {
                            out.breaking(
                                &location,
                                format!(
                                    "variant `{name}::{variant}` now holds {} (was {})",
                                    body_text(new_ty.as_ref()),
                                    body_text(old_ty.as_ref())
                                ),
                            );
                        }
                        if old_status != new_status {
                            out.compatible(
                                &location,
                                format!(
                                    "variant `{name}::{variant}` now answers status {new_status} (was {old_status})"
                                ),
                            );
                        }
                    }
                }
            }
        }
        (
            Output::Single {
                statuses: old_statuses,
                ..
            },
            Output::Single {
                statuses: new_statuses,
                ..
            },
        ) if old_statuses != new_statuses => out.compatible(
            &location,
            format!(
                "success statuses changed from {} to {}",
                statuses_text(old_statuses),
                statuses_text(new_statuses)
            ),
        ),
        (Output::Empty { status: old_status }, Output::Empty { status: new_status })
            if old_status != new_status =>
        {
            out.compatible(
                &location,
                format!("success status changed from {old_status} to {new_status}"),
            );
        }
        _ => {}
    }
}

/// The Rust type an operation returns.
fn output_text(output: &Output) -> String {
    match output {
        Output::Empty { .. } => "()".to_owned(),
        Output::Single { ty, .. } => type_text(ty),
        Output::PerStatus { name, .. } => name.clone(),
    }
}

fn body_text(ty: Option<&TypeRef>) -> String {
    ty.map_or_else(|| "no body".to_owned(), |ty| format!("`{}`", type_text(ty)))
}

fn statuses_text(statuses: &[u16]) -> String {
    let statuses: Vec<String> = statuses.iter().map(u16::to_string).collect();
    statuses.join(", ")
}

fn type_location(def: &TypeDef) -> String {
    format!("type `{}`", def.name)
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Alias(_) => "alias",
    }
}

/// Compares two definitions of a type; `in_requests`: whether requests reach it.
fn compare_type(old: &TypeDef, new: &TypeDef, in_requests: bool, out: &mut Recorder<'_>) {
    let location = type_location(new);
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(old_fields), TypeKind::Struct(new_fields)) => {
            compare_fields(new, old_fields, new_fields, in_requests, out);
        }
        (TypeKind::Enum(old_variants), TypeKind::Enum(new_variants)) => {
            for pair in pair_up(old_variants, new_variants, |v| v.value.clone()) {
                match pair {
                    Pair::Removed(variant) => out.breaking(
                        &format!("{location}, value `{}`", variant.value),
                        format!("removed (variant `{}`)", variant.name),
                    ),
                    Pair::Added(variant) => out.compatible(
                        &format!("{location}, value `{}`", variant.value),
                        format!(
                            "added (variant `{}`; the old crate decodes it as `Unknown`)",
                            variant.name
                        ),
                    ),
                    Pair::Both(old_variant, new_variant)
                        if old_variant.name != new_variant.name =>
                    {
                        out.breaking(
                            &format!("{location}, value `{}`", new_variant.value),
                            format!(
                                "variant renamed from `{}` to `{}`",
                                old_variant.name, new_variant.name
                            ),
                        );
                    }
                    Pair::Both(..) => {}
                }
            }
        }
        (TypeKind::Alias(old_ty), TypeKind::Alias(new_ty)) if old_ty != new_ty => out.breaking(
            &location,
            format!(
                "now an alias of `{}` (was `{}`)",
                type_text(new_ty),
                type_text(old_ty)
            ),
        ),
        (TypeKind::Alias(_), TypeKind::Alias(_)) => {}
        (old_kind, new_kind) => out.breaking(
            &location,
            format!(
                "kind changed from {} to {}",
                kind_name(old_kind),
                kind_name(new_kind)
            ),
        ),
    }
}

fn compare_fields(
    def: &TypeDef,
    old: &[Field],
    new: &[Field],
    in_requests: bool,
    out: &mut Recorder<'_>,
) {
    let field_location = |field: &Field| format!("{}, field `{}`", type_location(def), field.name);
    for pair in pair_up(old, new, |f| f.name.clone()) {
        match pair {
            Pair::Removed(field) => out.breaking(&field_location(field), "removed"),
            Pair::Added(field) if field.required => out.breaking(
                &field_location(field),
                format!("added as required `{}`", type_text(&field.ty)),
            ),
            Pair::Added(field) if in_requests => out.breaking(
                &field_location(field),
                format!(
                    "added as optional `{}` (requests use `{}`; a struct literal of it must name the new field)",
                    type_text(&field.ty),
                    def.name
                ),
            ),
            Pair::Added(field) => out.compatible(
                &field_location(field),
                format!(
                    "added as optional `{}` (only answers use `{}`)",
                    type_text(&field.ty),
                    def.name
                ),
            ),
            Pair::Both(old_field, new_field) => {
                let location = field_location(new_field);
                if old_field.ty != new_field.ty {
                    out.breaking(
                        &location,
                        format!(
                            "type changed from `{}` to `{}`",
                            type_text(&old_field.ty),
                            type_text(&new_field.ty)
                        ),
                    );
                }
                let ty = type_text(&new_field.ty);
                match (old_field.required, new_field.required) {
                    (false, true) => out.breaking(
                        &location,
                        format!("now required (`Option<{ty}>` becomes `{ty}`)"),
                    ),
                    (true, false) => out.breaking(
                        &location,
                        format!("now optional (`{ty}` becomes `Option<{ty}>`)"),
                    ),
                    _ => {}
                }
                if old_field.wire_name != new_field.wire_name {
                    out.breaking(
                        &location,
                        format!(
                            "wire name changed from `{}` to `{}`",
                            old_field.wire_name, new_field.wire_name
                        ),
                    );
                }
            }
        }
    }
}

/// A type reference as Rust source, without paths (`Vec<String>`).
fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::File => "FormFile".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_text(inner)),
    }
}
