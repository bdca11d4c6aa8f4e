//! Fields as flags: every scalar field of a request body (or of a JSON object parameter,
//! QingCloud's `service_params`) is a flag of its own, named by its path (`--volume.size`),
//! and the flags given are read back into a JSON object that merges over `--body`.
//!
//! The flags come from the generated tables ([`Field`] rows, one table per request type).
//! A flag's name is the field's path, each wire name in kebab-case, joined with dots; a
//! name that another flag of the subcommand already has gets the group's name in front
//! (`--body.region`). Its clap id is the group and the wire names, so reading it back
//! needs no table of names.
//!
//! Lists of objects repeat their fields' flags, one set per item, in order: the fields of
//! one item are given together, and a single-valued field given again starts the next item
//! (`--tags.key a --tags.value 1 --tags.key b --tags.value 2` is two tags).

use std::collections::HashSet;

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};

use crate::{Field, Kind, Shape};

/// Separates the parts of a field flag's clap id: the group, then each wire name.
const SEPARATOR: char = '\u{1f}';

/// How deep nested objects become flags; deeper fields are given with `--body`.
const MAX_DEPTH: usize = 8;

/// The flag segment of a wire name: kebab-case (`backupStrategy` → `backup-strategy`,
/// `charge_info` → `charge-info`). The generator follows the same rule for the examples
/// in `--help` and the tests.
pub(crate) fn segment(wire: &str) -> String {
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

/// The clap id of a field flag: the group, then the wire names of the path.
fn id(group: &str, wires: &[&str]) -> String {
    let mut id = group.to_owned();
    for wire in wires {
        id.push(SEPARATOR);
        id.push_str(wire);
    }
    id
}

/// The flags of a group of fields being added to a subcommand.
pub(crate) struct Adding<'a> {
    /// The group: `body`, or the flag of the JSON parameter (`service-params`).
    pub(crate) group: &'a str,
    /// The heading the flags are listed under in `--help`.
    pub(crate) heading: &'a str,
    /// The long names already used in the subcommand (the group's are added).
    pub(crate) taken: &'a mut HashSet<String>,
}

impl Adding<'_> {
    /// The flags of `fields` and of the fields nested in them.
    pub(crate) fn flags(&mut self, fields: &'static [Field]) -> Vec<Arg> {
        let mut args = Vec::new();
        let mut path = Path::default();
        self.walk(fields, &mut path, &mut args);
        args
    }

    fn walk(&mut self, fields: &'static [Field], path: &mut Path, args: &mut Vec<Arg>) {
        if path.depth() >= MAX_DEPTH || path.tables.contains(&fields.as_ptr()) {
            // A type that holds itself: its deeper levels are given with --body.
            return;
        }
        path.tables.push(fields.as_ptr());
        for field in fields {
            path.wires.push(field.wire);
            path.names.push(segment(field.wire));
            match field.shape {
                Shape::Value(kind) => args.extend(self.leaf(field, kind, false, path)),
                Shape::Values(kind) => args.extend(self.leaf(field, kind, true, path)),
                Shape::Object(nested) => self.walk(nested, path, args),
                Shape::Objects(nested) => {
                    path.lists.push(path.names.join("."));
                    self.walk(nested, path, args);
                    path.lists.pop();
                }
            }
            path.wires.pop();
            path.names.pop();
        }
        path.tables.pop();
    }

    fn leaf(&mut self, field: &Field, kind: Kind, repeats: bool, path: &Path) -> Option<Arg> {
        let name = path.names.join(".");
        if path.names.iter().any(String::is_empty) {
            return None;
        }
        let name = if self.taken.contains(&name) {
            format!("{}.{name}", self.group)
        } else {
            name
        };
        if !self.taken.insert(name.clone()) {
            return None;
        }
        let mut help = field.help.trim().to_owned();
        let mut add = |text: &str| {
            if !help.is_empty() {
                help.push(' ');
            }
            help.push_str(text);
        };
        if field.required {
            add("Required.");
        }
        if repeats {
            add("Repeat the flag for each item of the list.");
        }
        if let Some(list) = path.lists.last() {
            add(&format!(
                "Given for each item of `{list}`: the fields of one item go together, and a field given again starts the next item."
            ));
        }
        let arg = Arg::new(id(self.group, &path.wires))
            .long(name)
            .help(help)
            .help_heading(self.heading.to_owned())
            .action(if repeats || !path.lists.is_empty() {
                ArgAction::Append
            } else {
                ArgAction::Set
            });
        Some(crate::command::typed(arg, kind))
    }
}

/// Where the walk of the tables is.
#[derive(Default)]
struct Path {
    wires: Vec<&'static str>,
    names: Vec<String>,
    /// The flag paths of the lists of objects the walk is in.
    lists: Vec<String>,
    /// The tables entered, to stop at a type that holds itself.
    tables: Vec<*const Field>,
}

impl Path {
    fn depth(&self) -> usize {
        self.tables.len()
    }
}

/// One value given with a field flag: where it was on the command line, the wire names of
/// its path below the object being built, and the value.
struct Given<'m> {
    index: usize,
    path: Vec<&'m str>,
    value: Value,
}

/// The fields of `group` given as flags, as a JSON object, or `None` when none was given.
pub(crate) fn read(
    matches: &ArgMatches,
    group: &str,
    fields: &'static [Field],
) -> Option<Map<String, Value>> {
    if fields.is_empty() {
        return None;
    }
    let mut given = Vec::new();
    for id in matches.ids() {
        let id = id.as_str();
        let Some(path) = id
            .strip_prefix(group)
            .and_then(|rest| rest.strip_prefix(SEPARATOR))
        else {
            continue;
        };
        let (Ok(Some(values)), Some(indices)) =
            (matches.try_get_many::<Value>(id), matches.indices_of(id))
        else {
            continue;
        };
        for (value, index) in values.zip(indices) {
            given.push(Given {
                index,
                path: path.split(SEPARATOR).collect(),
                value: value.clone(),
            });
        }
    }
    if given.is_empty() {
        return None;
    }
    given.sort_by_key(|g| g.index);
    Some(build(fields, given))
}

/// The object that the values given build, in command-line order.
fn build(fields: &'static [Field], given: Vec<Given<'_>>) -> Map<String, Value> {
    let mut object = Map::new();
    let mut nested: Vec<(&'static Field, Vec<Given<'_>>)> = Vec::new();
    for mut g in given {
        if g.path.is_empty() {
            continue;
        }
        let first = g.path.remove(0);
        let Some(field) = fields.iter().find(|f| f.wire == first) else {
            continue;
        };
        match field.shape {
            Shape::Value(_) => {
                object.insert(field.wire.to_owned(), g.value);
            }
            Shape::Values(_) => {
                let list = object
                    .entry(field.wire)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.push(g.value);
                }
            }
            Shape::Object(_) | Shape::Objects(_) => {
                match nested.iter_mut().find(|(f, _)| f.wire == field.wire) {
                    Some((_, list)) => list.push(g),
                    None => nested.push((field, vec![g])),
                }
            }
        }
    }
    for (field, given) in nested {
        let value = match field.shape {
            Shape::Object(inner) => Value::Object(build(inner, given)),
            Shape::Objects(inner) => Value::Array(
                items(inner, given)
                    .into_iter()
                    .map(|item| Value::Object(build(inner, item)))
                    .collect(),
            ),
            Shape::Value(_) | Shape::Values(_) => continue,
        };
        object.insert(field.wire.to_owned(), value);
    }
    object
}

/// The values given for a list of objects, split into its items: a single-valued field
/// given again starts the next item.
fn items<'m>(fields: &'static [Field], given: Vec<Given<'m>>) -> Vec<Vec<Given<'m>>> {
    let mut items: Vec<Vec<Given<'m>>> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for g in given {
        let key = single_valued(fields, &g.path);
        let again = key.as_ref().is_some_and(|key| seen.contains(key));
        if items.is_empty() || again {
            items.push(Vec::new());
            seen.clear();
        }
        seen.extend(key);
        if let Some(item) = items.last_mut() {
            item.push(g);
        }
    }
    items
}

/// The path as one key, if it leads to a single value of the item (through objects, not
/// through lists).
fn single_valued(mut fields: &'static [Field], path: &[&str]) -> Option<String> {
    for (i, wire) in path.iter().enumerate() {
        let field = fields.iter().find(|f| f.wire == *wire)?;
        match field.shape {
            Shape::Value(_) if i + 1 == path.len() => return Some(path.join(".")),
            Shape::Object(inner) => fields = inner,
            _ => return None,
        }
    }
    None
}

/// Merges the fields given as flags over a base value (from `--body`): objects field by
/// field, lists of objects item by item; the flags' values win.
pub(crate) fn merge(base: &mut Value, flags: Map<String, Value>) {
    if !base.is_object() {
        *base = Value::Object(Map::new());
    }
    let Value::Object(object) = base else {
        return;
    };
    for (key, value) in flags {
        match (object.get_mut(&key), value) {
            (Some(old @ Value::Object(_)), Value::Object(new)) => merge(old, new),
            (Some(Value::Array(old)), Value::Array(new))
                if !new.is_empty() && new.iter().all(Value::is_object) =>
            {
                for (i, item) in new.into_iter().enumerate() {
                    match (old.get_mut(i), item) {
                        (Some(old @ Value::Object(_)), Value::Object(item)) => merge(old, item),
                        (Some(old), item) => *old = item,
                        (None, item) => old.push(item),
                    }
                }
            }
            (_, value) => {
                object.insert(key, value);
            }
        }
    }
}

/// The long name of the flag of a field, if it has one (for messages).
pub(crate) fn flag_of(command: &Command, group: &str, wires: &[&str]) -> Option<String> {
    let id = id(group, wires);
    command
        .get_arguments()
        .find(|arg| arg.get_id().as_str() == id)
        .and_then(|arg| arg.get_long())
        .map(|long| format!("--{long}"))
}

/// The long names of the flags of the required fields of `fields` (top level only).
pub(crate) fn required_flags(command: &Command, group: &str, fields: &[Field]) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.required)
        .filter_map(|f| match f.shape {
            Shape::Value(_) | Shape::Values(_) => flag_of(command, group, &[f.wire]),
            Shape::Object(inner) | Shape::Objects(inner) => inner
                .iter()
                .find(|g| g.required && matches!(g.shape, Shape::Value(_)))
                .and_then(|g| flag_of(command, group, &[f.wire, g.wire])),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_kebab_case() {
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

    static TAG: [Field; 3] = [
        Field::new("key", Kind::String, "The key.").required(),
        Field::new("value", Kind::String, "The value."),
        Field::new("labels", Kind::String, "Labels.").list(),
    ];
    static VOLUME: [Field; 1] = [Field::new("size", Kind::Int32, "Size in GB.").required()];
    static BODY: [Field; 4] = [
        Field::new("name", Kind::String, "The name.").required(),
        Field::object("volume", &VOLUME, "The volume."),
        Field::objects("tags", &TAG, "Tags."),
        Field::new("backupStrategy", Kind::Json, "Free-form."),
    ];

    fn command() -> Command {
        let mut taken: HashSet<String> = ["name".to_owned()].into();
        let args = Adding {
            group: "body",
            heading: "Body fields",
            taken: &mut taken,
        }
        .flags(&BODY);
        Command::new("op")
            .arg(Arg::new("name").long("name"))
            .args(args)
    }

    fn read_from(args: &[&str]) -> Option<Value> {
        let matches = command()
            .try_get_matches_from(std::iter::once("op").chain(args.iter().copied()))
            .expect("the flags parse");
        read(&matches, "body", &BODY).map(Value::Object)
    }

    #[test]
    fn names_are_dotted_paths_and_taken_names_get_the_group() {
        let command = command();
        let longs: Vec<&str> = command
            .get_arguments()
            .filter_map(|a| a.get_long())
            .collect();
        assert_eq!(
            longs,
            [
                "name",
                "body.name",
                "volume.size",
                "tags.key",
                "tags.value",
                "tags.labels",
                "backup-strategy"
            ]
        );
        assert_eq!(
            flag_of(&command, "body", &["volume", "size"]).as_deref(),
            Some("--volume.size")
        );
        assert_eq!(required_flags(&command, "body", &BODY), ["--body.name"]);
    }

    #[test]
    fn flags_build_nested_objects_and_list_items_in_order() {
        let value = read_from(&[
            "--body.name=db-1",
            "--volume.size=40",
            "--tags.key=a",
            "--tags.labels=x",
            "--tags.labels=y",
            "--tags.value=1",
            "--tags.key=b",
            "--tags.labels=z",
            "--backup-strategy",
            r#"{"keep": 7}"#,
        ]);
        assert_eq!(
            value,
            Some(serde_json::json!({
                "name": "db-1",
                "volume": {"size": 40},
                "tags": [
                    {"key": "a", "labels": ["x", "y"], "value": "1"},
                    {"key": "b", "labels": ["z"]}
                ],
                "backupStrategy": {"keep": 7}
            }))
        );
        assert_eq!(read_from(&[]), None);
    }

    #[test]
    fn a_single_valued_field_given_twice_outside_a_list_is_refused() {
        let error = command()
            .try_get_matches_from(["op", "--volume.size=1", "--volume.size=2"])
            .expect_err("given twice");
        assert!(error.to_string().contains("--volume.size"), "{error}");
    }

    #[test]
    fn flags_win_over_the_base_field_by_field_and_item_by_item() {
        let mut base = serde_json::json!({
            "name": "from-body",
            "volume": {"size": 10, "type": "SSD"},
            "tags": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}],
            "other": true
        });
        let flags = read_from(&["--volume.size=40", "--tags.value=9"]).expect("given");
        let Value::Object(flags) = flags else {
            panic!("an object")
        };
        merge(&mut base, flags);
        assert_eq!(
            base,
            serde_json::json!({
                "name": "from-body",
                "volume": {"size": 40, "type": "SSD"},
                "tags": [{"key": "a", "value": "9"}, {"key": "b", "value": "2"}],
                "other": true
            })
        );
    }

    static NODE: [Field; 2] = [
        Field::new("id", Kind::String, "Id."),
        Field::objects("children", &NODE, "The same type again."),
    ];

    #[test]
    fn a_type_that_holds_itself_stops_at_the_first_level() {
        let mut taken = HashSet::new();
        let args = Adding {
            group: "body",
            heading: "Body fields",
            taken: &mut taken,
        }
        .flags(&NODE);
        let longs: Vec<String> = args
            .iter()
            .filter_map(|a| a.get_long().map(str::to_owned))
            .collect();
        assert_eq!(longs, ["id"]);
    }
}
