//! Fields as flags, on the generator's side: one static table of [`Field`] rows per
//! request struct (`clouddb_cli::Field`: wire name, kind, help), which `clouddb-cli` walks to
//! give every scalar field of a body or of a JSON object parameter a flag of its own; and
//! the names it gives them (the same walk, over the IR), for the examples in `--help` and
//! the tests.
//!
//! [`Field`]: https://docs.rs/clouddb-cli

use std::collections::{BTreeMap, BTreeSet};

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::plain;
use crate::ir::{
    Checks, Operation, Param, ParamStyle, Protocol, Service, TypeDef, TypeKind, TypeRef,
};
use crate::names;

/// How deep the CLI turns nested objects into flags (`clouddb-cli`'s `MAX_DEPTH`).
const MAX_DEPTH: usize = 8;

/// The flags `clouddb-cli` gives every subcommand (its shared flags and the vendor's); a
/// field flag that would take one of them gets its group's name in front.
fn global_flags(service: &Service) -> &'static [&'static str] {
    match service.protocol {
        Protocol::HuaweiRest => &[
            "dry-run",
            "compact",
            "query",
            "output",
            "max-attempts",
            "connect-timeout",
            "attempt-timeout",
            "call-timeout",
            "region",
            "endpoint",
            "project-id",
            "language",
        ],
        Protocol::QingCloudAction => &[
            "dry-run",
            "compact",
            "query",
            "output",
            "max-attempts",
            "connect-timeout",
            "attempt-timeout",
            "call-timeout",
            "zone",
            "endpoint",
            "config-file",
        ],
    }
}

/// The flag segment of a wire name: kebab-case (`backupStrategy` → `backup-strategy`).
/// `clouddb-cli` names the flags by the same rule (its `fields::segment`).
pub(super) fn segment(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len() + 4);
    let mut previous_lower = false;
    for c in wire.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = true;
        } else {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// What a field holds, as the CLI sees it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape<'s> {
    /// One value.
    Value(Scalar<'s>),
    /// A list of values (the flag repeats).
    Values(Scalar<'s>),
    /// An object: the struct of this name.
    Object(&'s TypeDef),
    /// A list of objects.
    Objects(&'s TypeDef),
}

/// How a flag's value is written.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar<'s> {
    String,
    Int32,
    Int64,
    Number,
    Bool,
    Enum {
        /// The generated enum.
        name: &'s str,
        /// Its values.
        values: Vec<&'s str>,
    },
    Json,
}

impl Scalar<'_> {
    /// The `clouddb_cli::Kind` of the flag.
    pub(super) fn kind(&self) -> TokenStream {
        match self {
            Scalar::String => quote!(Kind::String),
            Scalar::Int32 => quote!(Kind::Int32),
            Scalar::Int64 => quote!(Kind::Int64),
            Scalar::Number => quote!(Kind::Number),
            Scalar::Bool => quote!(Kind::Bool),
            Scalar::Enum { name, .. } => {
                let name = format_ident!("{}", name);
                quote!(Kind::Enum(types::#name::VALUES))
            }
            Scalar::Json => quote!(Kind::Json),
        }
    }
}

/// The struct a type is, through aliases.
pub(super) fn struct_def<'s>(service: &'s Service, ty: &TypeRef) -> Option<&'s TypeDef> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    let def = service.types.iter().find(|t| &t.name == name)?;
    match &def.kind {
        TypeKind::Struct(_) => Some(def),
        TypeKind::Alias(inner) => struct_def(service, inner),
        TypeKind::Enum(_) => None,
    }
}

fn scalar<'s>(service: &'s Service, ty: &TypeRef) -> Scalar<'s> {
    match ty {
        TypeRef::String | TypeRef::File => Scalar::String,
        TypeRef::I32 => Scalar::Int32,
        TypeRef::I64 => Scalar::Int64,
        TypeRef::F64 => Scalar::Number,
        TypeRef::Bool => Scalar::Bool,
        TypeRef::Named(name) => match service.types.iter().find(|t| &t.name == name) {
            Some(TypeDef {
                name,
                kind: TypeKind::Enum(variants),
                ..
            }) => Scalar::Enum {
                name,
                values: variants.iter().map(|v| v.value.as_str()).collect(),
            },
            Some(TypeDef {
                kind: TypeKind::Alias(inner),
                ..
            }) => scalar(service, inner),
            _ => Scalar::Json,
        },
        TypeRef::Json | TypeRef::Map(_) | TypeRef::Bytes | TypeRef::Array(_) => Scalar::Json,
    }
}

/// The shape of a field of type `ty`.
pub(super) fn shape<'s>(service: &'s Service, ty: &TypeRef) -> Shape<'s> {
    if let Some(def) = struct_def(service, ty) {
        return Shape::Object(def);
    }
    if let TypeRef::Named(name) = ty {
        if let Some(TypeKind::Alias(inner)) = service
            .types
            .iter()
            .find(|t| &t.name == name)
            .map(|t| &t.kind)
        {
            return shape(service, inner);
        }
    }
    match ty {
        TypeRef::Array(inner) => match (struct_def(service, inner), scalar(service, inner)) {
            (Some(def), _) => Shape::Objects(def),
            (None, Scalar::Json) => Shape::Value(Scalar::Json),
            (None, item) => Shape::Values(item),
        },
        other => Shape::Value(scalar(service, other)),
    }
}

/// The fields of a struct type.
fn fields_of(def: &TypeDef) -> &[crate::ir::Field] {
    match &def.kind {
        TypeKind::Struct(fields) => fields,
        _ => &[],
    }
}

/// The name of the static table of a struct's fields.
fn table_ident(def: &TypeDef) -> Ident {
    format_ident!("{}_FIELDS", def.name.to_shouty_snake_case())
}

/// At most this many field tables go in one file of the `commands` module, so that the
/// tables (shared by the subcommands of every tag) stay a few thousand lines a file.
const TABLES_PER_FILE: usize = 250;

/// Where the field tables go: one table per struct whose fields are flags (the bodies and
/// JSON object parameters of every operation, and every struct their fields reach), sorted
/// by name, in the module `fields` of the `commands` module, or `fields_1`, `fields_2`, ...
/// when there are more than [`TABLES_PER_FILE`].
#[derive(Debug)]
pub(super) struct FieldTables<'s> {
    /// The modules: file stem and tables, in order.
    modules: Vec<(String, Vec<&'s TypeDef>)>,
    /// The module of each table, by struct name.
    module_of: BTreeMap<&'s str, usize>,
}

impl<'s> FieldTables<'s> {
    pub(super) fn of(service: &'s Service) -> Self {
        Self::with_limit(service, TABLES_PER_FILE)
    }

    /// The layout with at most `per_file` tables a file.
    fn with_limit(service: &'s Service, per_file: usize) -> Self {
        let defs = table_types(service);
        let parts = defs.len().div_ceil(per_file);
        let mut tables = FieldTables {
            modules: Vec::new(),
            module_of: BTreeMap::new(),
        };
        for (part, chunk) in defs.chunks(per_file).enumerate() {
            let name = if parts > 1 {
                format!("fields_{}", part + 1)
            } else {
                "fields".to_owned()
            };
            for def in chunk {
                tables.module_of.insert(&def.name, part);
            }
            tables.modules.push((name, chunk.to_vec()));
        }
        tables
    }

    /// The file stems of the modules, in order.
    pub(super) fn modules(&self) -> impl Iterator<Item = &str> {
        self.modules.iter().map(|(name, _)| name.as_str())
    }

    /// The path of a struct's table from a module of `commands`: its name within its own
    /// module (`from`), else `super::<module>::<NAME>`.
    pub(super) fn path(&self, def: &TypeDef, from: Option<usize>) -> TokenStream {
        let ident = table_ident(def);
        let module = *self
            .module_of
            .get(def.name.as_str())
            .expect("every struct whose fields are flags has a table");
        if Some(module) == from {
            quote!(#ident)
        } else {
            let module = format_ident!("{}", self.modules[module].0);
            quote!(super::#module::#ident)
        }
    }

    /// The file of the module at `index`: its tables, each visible to the tag modules.
    pub(super) fn emit_module(&self, service: &Service, index: usize) -> TokenStream {
        let (_, defs) = &self.modules[index];
        let header = crate::emit::docs::module_doc_attrs(
            "The fields of the request structs, as flags: one table per struct, shared by the\nsubcommands of every tag.",
        );
        let tables = defs.iter().map(|def| {
            let ident = table_ident(def);
            let rows: Vec<TokenStream> = fields_of(def)
                .iter()
                .map(|field| self.emit_row(service, field, index))
                .collect();
            let count = proc_macro2::Literal::usize_unsuffixed(rows.len());
            let doc = format!(" The fields of `{}`, as flags.", def.name);
            quote! {
                #[doc = #doc]
                pub(super) static #ident: [Field; #count] = [#(#rows),*];
            }
        });
        let body = quote!(#(#tables)*);
        let lib = format_ident!("{}", service.lib_name);
        let types = body
            .to_string()
            .contains("types ::")
            .then(|| quote!(use ::#lib::types;));
        quote! {
            #header

            use ::clouddb_cli::{Field, Kind};
            #types

            #body
        }
    }

    fn emit_row(&self, service: &Service, field: &crate::ir::Field, module: usize) -> TokenStream {
        let wire = &field.wire_name;
        let mut help = plain(&field.docs).replace("\n\n", " ");
        let shape = shape(service, &field.ty);
        let facts = match &shape {
            Shape::Value(Scalar::Json) => {
                let mut facts = vec!["Given as JSON.".to_owned()];
                facts.extend(constraints(&field.checks));
                facts
            }
            Shape::Value(_) => constraints(&field.checks),
            Shape::Values(_) => {
                constraints(field.checks.items.as_deref().unwrap_or(&Checks::default()))
            }
            Shape::Object(_) | Shape::Objects(_) => Vec::new(),
        };
        help = with_facts(&help, &facts);
        let row = match shape {
            Shape::Value(scalar) => {
                let kind = scalar.kind();
                quote!(Field::new(#wire, #kind, #help))
            }
            Shape::Values(scalar) => {
                let kind = scalar.kind();
                quote!(Field::new(#wire, #kind, #help).list())
            }
            Shape::Object(def) => {
                let table = self.path(def, Some(module));
                quote!(Field::object(#wire, &#table, #help))
            }
            Shape::Objects(def) => {
                let table = self.path(def, Some(module));
                quote!(Field::objects(#wire, &#table, #help))
            }
        };
        if field.required {
            quote!(#row.required())
        } else {
            row
        }
    }

    /// The table reference of a body from a tag module (`&super::fields::NAME`, or `&[]`
    /// when the body is not a struct).
    pub(super) fn body_table(&self, service: &Service, op: &Operation) -> TokenStream {
        match op.body.as_ref().and_then(|b| struct_def(service, &b.ty)) {
            Some(def) => {
                let path = self.path(def, None);
                quote!(&#path)
            }
            None => quote!(&[]),
        }
    }
}

/// The structs whose fields are flags: the bodies and JSON object parameters of every
/// operation, and every struct their fields reach, sorted by name.
fn table_types(service: &Service) -> Vec<&TypeDef> {
    let mut pending: Vec<&TypeDef> = service
        .operations
        .iter()
        .flat_map(|op| {
            let params = op.params.iter().filter_map(|p| param_struct(service, p));
            params.chain(op.body.as_ref().and_then(|b| struct_def(service, &b.ty)))
        })
        .collect();
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut defs = Vec::new();
    while let Some(def) = pending.pop() {
        if !reached.insert(&def.name) {
            continue;
        }
        defs.push(def);
        for field in fields_of(def) {
            if let Shape::Object(inner) | Shape::Objects(inner) = shape(service, &field.ty) {
                pending.push(inner);
            }
        }
    }
    defs.sort_by(|a, b| a.name.cmp(&b.name));
    defs
}

/// The struct of a JSON object parameter (QingCloud's `service_params`), if it is one.
pub(super) fn param_struct<'s>(service: &'s Service, param: &Param) -> Option<&'s TypeDef> {
    (param.style == ParamStyle::Json)
        .then(|| struct_def(service, &param.ty))
        .flatten()
}

/// `help` followed by the facts it does not already state: a description that says
/// "4 to 64 characters" is not followed by "4 to 64 characters." again.
pub(super) fn with_facts(help: &str, facts: &[String]) -> String {
    let mut out = help.trim_end().to_owned();
    let said = help.to_lowercase();
    for fact in facts {
        if said.contains(&fact.trim_end_matches('.').to_lowercase()) {
            continue;
        }
        if !out.is_empty() && !out.ends_with('.') {
            out.push('.');
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(fact);
    }
    out
}

/// The documented constraints of a value in words, for `--help`, one sentence each (`From
/// 1 to 100.`, `4 to 64 characters.`, ``Matches `^[a-z].*$`.``).
pub(super) fn constraints(checks: &Checks) -> Vec<String> {
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            n.to_string()
        }
    };
    let mut facts = Vec::new();
    match (checks.minimum, checks.maximum) {
        (Some(min), Some(max)) if !checks.exclusive_minimum && !checks.exclusive_maximum => {
            facts.push(format!("From {} to {}.", number(min), number(max)))
        }
        (min, max) => {
            if let Some(min) = min {
                let word = if checks.exclusive_minimum {
                    "Above"
                } else {
                    "At least"
                };
                facts.push(format!("{word} {}.", number(min)));
            }
            if let Some(max) = max {
                let word = if checks.exclusive_maximum {
                    "Below"
                } else {
                    "At most"
                };
                facts.push(format!("{word} {}.", number(max)));
            }
        }
    }
    let characters = |n: usize| if n == 1 { "character" } else { "characters" };
    match (checks.min_length, checks.max_length) {
        (Some(min), Some(max)) if min == max => {
            facts.push(format!("Exactly {min} {}.", characters(min)))
        }
        (Some(min), Some(max)) => facts.push(format!("{min} to {max} characters.")),
        (Some(min), None) => facts.push(format!("At least {min} {}.", characters(min))),
        (None, Some(max)) => facts.push(format!("At most {max} {}.", characters(max))),
        (None, None) => {}
    }
    if let Some(values) = &checks.one_of {
        let values: Vec<String> = values.iter().map(i64::to_string).collect();
        facts.push(format!("One of {}.", values.join(", ")));
    }
    if let Some(step) = checks.multiple_of {
        facts.push(format!("A multiple of {}.", number(step)));
    }
    let items = |n: usize| if n == 1 { "item" } else { "items" };
    match (checks.min_items, checks.max_items) {
        (Some(min), Some(max)) => facts.push(format!("{min} to {max} items.")),
        (Some(min), None) => facts.push(format!("At least {min} {}.", items(min))),
        (None, Some(max)) => facts.push(format!("At most {max} {}.", items(max))),
        (None, None) => {}
    }
    if let Some(format) = &checks.format {
        facts.push(format!("Format: {format}."));
    }
    if let Some(pattern) = &checks.pattern {
        facts.push(format!("Matches `{pattern}`."));
    }
    facts
}

/// One field flag of an operation, named as `clouddb-cli` names it.
#[derive(Debug, Clone)]
pub(super) struct FieldFlag<'s> {
    /// `body`, or the flag of the JSON parameter.
    pub(super) group: String,
    /// The wire names of its path.
    pub(super) wires: Vec<String>,
    /// The flag's long name.
    pub(super) name: String,
    /// Its values.
    pub(super) scalar: Scalar<'s>,
    /// Whether the flag repeats for the items of a list of values.
    pub(super) repeats: bool,
}

/// The long names every subcommand of the operation has before its field flags.
fn taken_names(service: &Service, op: &Operation) -> BTreeSet<String> {
    let mut taken: BTreeSet<String> = global_flags(service)
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    taken.extend(op.params.iter().map(|p| names::flag_name(&p.name)));
    let mut add = |names: &[&str]| taken.extend(names.iter().map(|s| (*s).to_owned()));
    add(&["help", "version"]);
    if op.pagination.is_some() {
        add(&["all"]);
    }
    if super::waits(service, op) {
        add(&["wait", "wait-interval", "wait-timeout"]);
    }
    if super::super::operations::answers_file(op) {
        add(&["output-file"]);
    }
    if op.body.is_some() {
        add(&["body", "body-file"]);
    }
    taken
}

/// Every field flag of an operation, in the order `clouddb-cli` adds them: the fields of
/// its JSON object parameters, then of its body.
pub(super) fn field_flags<'s>(service: &'s Service, op: &Operation) -> Vec<FieldFlag<'s>> {
    let mut walk = Walk {
        service,
        taken: taken_names(service, op),
        group: String::new(),
        flags: Vec::new(),
    };
    for param in &op.params {
        if let Some(def) = param_struct(service, param) {
            walk.group = names::flag_name(&param.name);
            walk.table(def, &mut Vec::new(), &mut Vec::new());
        }
    }
    if let Some(def) = op.body.as_ref().and_then(|b| struct_def(service, &b.ty)) {
        walk.group = "body".to_owned();
        walk.table(def, &mut Vec::new(), &mut Vec::new());
    }
    walk.flags
}

/// The walk of the tables (as `clouddb-cli`'s `fields::Adding` walks them).
struct Walk<'s> {
    service: &'s Service,
    taken: BTreeSet<String>,
    group: String,
    flags: Vec<FieldFlag<'s>>,
}

impl<'s> Walk<'s> {
    fn table(
        &mut self,
        def: &'s TypeDef,
        stack: &mut Vec<&'s str>,
        path: &mut Vec<(String, String)>,
    ) {
        if stack.len() >= MAX_DEPTH || stack.contains(&def.name.as_str()) {
            return;
        }
        stack.push(&def.name);
        for field in fields_of(def) {
            path.push((field.wire_name.clone(), segment(&field.wire_name)));
            match shape(self.service, &field.ty) {
                Shape::Value(scalar) => self.leaf(scalar, false, path),
                Shape::Values(scalar) => self.leaf(scalar, true, path),
                Shape::Object(inner) | Shape::Objects(inner) => self.table(inner, stack, path),
            }
            path.pop();
        }
        stack.pop();
    }

    fn leaf(&mut self, scalar: Scalar<'s>, repeats: bool, path: &[(String, String)]) {
        if path.iter().any(|(_, segment)| segment.is_empty()) {
            return;
        }
        let name = path
            .iter()
            .map(|(_, segment)| segment.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let name = if self.taken.contains(&name) {
            format!("{}.{name}", self.group)
        } else {
            name
        };
        if !self.taken.insert(name.clone()) {
            return;
        }
        self.flags.push(FieldFlag {
            group: self.group.clone(),
            wires: path.iter().map(|(wire, _)| wire.clone()).collect(),
            name,
            scalar,
            repeats,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_past_the_limit_go_in_numbered_files_and_refer_across_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let settings = crate::Settings::new(root);
        let service =
            crate::lower_file(&settings, "spec/huaweicloud/css.yaml").expect("the CSS spec lowers");
        let one = FieldTables::of(&service);
        assert_eq!(one.modules().collect::<Vec<_>>(), ["fields"]);
        let split = FieldTables::with_limit(&service, 40);
        let modules: Vec<&str> = split.modules().collect();
        assert_eq!(modules, ["fields_1", "fields_2", "fields_3"]);
        let tables: usize = split.modules.iter().map(|(_, defs)| defs.len()).sum();
        assert_eq!(tables, one.modules[0].1.len(), "every table once");
        // A nested table in another file is named through `super`, one in the same file
        // by its name; tag modules always go through `super`.
        let (_, first) = &split.modules[0];
        let last = split.modules[2].1[0];
        assert_eq!(
            split.path(last, Some(0)).to_string(),
            format!("super :: fields_3 :: {}", table_ident(last))
        );
        assert_eq!(
            split.path(first[0], Some(0)).to_string(),
            table_ident(first[0]).to_string()
        );
        assert!(split
            .path(first[0], None)
            .to_string()
            .starts_with("super :: fields_1 ::"));
    }

    #[test]
    fn segments_are_kebab_case_as_the_cli_names_them() {
        // The same cases as `clouddb-cli`'s `fields::tests::segments_are_kebab_case`.
        for (wire, flag) in [
            ("charge_info", "charge-info"),
            ("backupStrategy", "backup-strategy"),
            ("ID", "id"),
            ("nodeIDs", "node-ids"),
            ("v2Name", "v2-name"),
            ("X-Language", "x-language"),
            ("_private_", "private"),
            ("a.b", "a-b"),
            ("type", "type"),
        ] {
            assert_eq!(segment(wire), flag, "{wire}");
        }
    }

    #[test]
    fn constraints_in_words() {
        let checks = Checks {
            minimum: Some(1.0),
            maximum: Some(100.0),
            min_length: Some(4),
            max_length: Some(64),
            pattern: Some("^[a-z]+$".to_owned()),
            ..Checks::default()
        };
        assert_eq!(
            constraints(&checks).join(" "),
            "From 1 to 100. 4 to 64 characters. Matches `^[a-z]+$`."
        );
        assert_eq!(
            with_facts("A name of 4 to 64 characters", &constraints(&checks)),
            "A name of 4 to 64 characters. From 1 to 100. Matches `^[a-z]+$`."
        );
        let checks = Checks {
            minimum: Some(0.0),
            exclusive_minimum: true,
            one_of: Some(vec![1, 2]),
            ..Checks::default()
        };
        assert_eq!(constraints(&checks).join(" "), "Above 0. One of 1, 2.");
    }
}
