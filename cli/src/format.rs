//! How an answer is printed: `--query` (a JMESPath expression, applied to the answer as
//! the service sent it, to the items of `--all` or to the last state of `--wait`), then
//! `--output json|table|text`.
//!
//! - `json` (the default) prints JSON; without `--query` the answer's own text, re-indented.
//! - `table` prints a list of objects as columns, headed by the field names: the fields
//!   with scalar values, in the order they first appear, at most [`MAX_COLUMNS`] of them
//!   (`--query` picks others); an object as names and values, each of its lists of objects
//!   as a table of its own below; nested values as compact JSON.
//! - `text` prints tab-separated values for shell scripts: a list one line per item (an
//!   object's values in its fields' order, missing ones empty), an object its values on
//!   one line, a scalar its text; strings without quotes, `null` as nothing.

use jmespath::Expression;
use serde_json::Value;

use crate::call::to_json;
use crate::exit::Failure;

/// The most columns a table shows unless `--query` chooses them.
pub(crate) const MAX_COLUMNS: usize = 8;

/// The `--output` format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// JSON (the default).
    Json,
    /// Columns.
    Table,
    /// Tab-separated values.
    Text,
}

/// What `--query`, `--output` and `--compact` ask for.
pub(crate) struct Rendering {
    query: Option<Expression<'static>>,
    format: Format,
    compact: bool,
}

impl Rendering {
    /// The rendering the flags ask for; a query that does not compile is a usage error.
    pub(crate) fn new(query: Option<&str>, format: Format, compact: bool) -> Result<Self, Failure> {
        let query = query
            .map(|text| {
                jmespath::compile(text).map_err(|e| {
                    Failure::usage(format!("--query is not a JMESPath expression: {e}"))
                })
            })
            .transpose()?;
        Ok(Self {
            query,
            format,
            compact,
        })
    }

    /// Whether the call should print compact JSON (the rendering reads it again).
    pub(crate) fn compact_json(&self) -> bool {
        self.compact || self.query.is_some() || self.format != Format::Json
    }

    /// The text to print for an answer given as JSON text, ending with a newline.
    pub(crate) fn render(&self, json: &str) -> Result<String, Failure> {
        if self.query.is_none() && self.format == Format::Json {
            return Ok(format!("{json}\n"));
        }
        let not_json =
            |e: serde_json::Error| Failure::other(format!("the answer is not JSON: {e}"));
        let node = match &self.query {
            Some(query) => {
                let value: Value = serde_json::from_str(json).map_err(not_json)?;
                let found = query
                    .search(&value)
                    .map_err(|e| Failure::usage(format!("--query failed: {e}")))?;
                let value = serde_json::to_value(&*found).map_err(|e| {
                    Failure::other(format!("cannot encode the query's result: {e}"))
                })?;
                if self.format == Format::Json {
                    return Ok(format!("{}\n", to_json(&value, self.compact)?));
                }
                Node::from_value(value)
            }
            None => serde_json::from_str(json).map_err(not_json)?,
        };
        Ok(match self.format {
            Format::Json => format!("{}\n", node.json()),
            Format::Table => table(&node, self.query.is_some()),
            Format::Text => text(&node),
        })
    }
}

/// A JSON value that keeps the order of an object's fields (as the service sent them;
/// `serde_json`'s map sorts them).
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Scalar(Value),
    List(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> serde::de::Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut fields: Vec<(String, Node)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            fields.retain(|(k, _)| *k != key);
            fields.push((key, value));
        }
        Ok(Node::Object(fields))
    }
}

impl Node {
    fn from_value(value: Value) -> Self {
        match value {
            Value::Array(items) => Node::List(items.into_iter().map(Node::from_value).collect()),
            Value::Object(map) => Node::Object(
                map.into_iter()
                    .map(|(k, v)| (k, Node::from_value(v)))
                    .collect(),
            ),
            scalar => Node::Scalar(scalar),
        }
    }

    /// The value as compact JSON text, fields in order.
    fn json(&self) -> String {
        match self {
            Node::Scalar(value) => value.to_string(),
            Node::List(items) => format!(
                "[{}]",
                items.iter().map(Node::json).collect::<Vec<_>>().join(",")
            ),
            Node::Object(fields) => format!(
                "{{{}}}",
                fields
                    .iter()
                    .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), v.json()))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn is_scalar(&self) -> bool {
        matches!(self, Node::Scalar(_))
    }

    /// A table cell or a text field: strings without quotes, `null` as nothing, nested
    /// values as compact JSON; on one line.
    fn cell(&self) -> String {
        let text = match self {
            Node::Scalar(Value::Null) => String::new(),
            Node::Scalar(Value::String(s)) => s.clone(),
            other => other.json(),
        };
        if text.contains(['\n', '\r', '\t']) {
            text.replace(['\n', '\r', '\t'], " ")
        } else {
            text
        }
    }

    /// The objects of a non-empty list of objects.
    fn objects(&self) -> Option<Vec<&Node>> {
        match self {
            Node::List(items)
                if !items.is_empty() && items.iter().all(|i| matches!(i, Node::Object(_))) =>
            {
                Some(items.iter().collect())
            }
            _ => None,
        }
    }
}

/// The columns of a table of objects: every field in the order they first appear when the
/// query chose them; otherwise the fields with a scalar value somewhere (all of them if
/// none has), at most [`MAX_COLUMNS`]. Also how many were left out.
fn columns(items: &[&Node], chosen: bool) -> (Vec<String>, usize) {
    let mut all: Vec<&String> = Vec::new();
    for item in items {
        if let Node::Object(fields) = item {
            for (key, _) in fields {
                if !all.contains(&key) {
                    all.push(key);
                }
            }
        }
    }
    if chosen {
        return (all.into_iter().cloned().collect(), 0);
    }
    let scalar: Vec<&String> = all
        .iter()
        .copied()
        .filter(|key| {
            items
                .iter()
                .any(|item| item.get(key).is_some_and(Node::is_scalar))
        })
        .collect();
    let pool = if scalar.is_empty() { all } else { scalar };
    let left = pool.len().saturating_sub(MAX_COLUMNS);
    (pool.into_iter().take(MAX_COLUMNS).cloned().collect(), left)
}

/// The cells of each item under the columns.
fn rows(items: &[&Node], columns: &[String]) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|item| {
            columns
                .iter()
                .map(|c| item.get(c).map(Node::cell).unwrap_or_default())
                .collect()
        })
        .collect()
}

/// Rows of cells as aligned columns; a header row is underlined.
fn grid(header: Option<&[String]>, rows: &[Vec<String>]) -> String {
    let all: Vec<&[String]> = header
        .into_iter()
        .chain(rows.iter().map(Vec::as_slice))
        .collect();
    let count = all.iter().map(|row| row.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|i| {
            all.iter()
                .map(|row| row.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            text.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count()));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    if let Some(header) = header {
        line(header);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&rule);
    }
    for row in rows {
        line(row);
    }
    out
}

/// A value as a table (see the module's documentation).
fn table(node: &Node, chosen: bool) -> String {
    if let Some(items) = node.objects() {
        let (columns, left) = columns(&items, chosen);
        let mut out = grid(Some(&columns), &rows(&items, &columns));
        if left > 0 {
            out.push_str(&format!(
                "({left} more fields not shown: choose the columns with --query)\n"
            ));
        }
        return out;
    }
    match node {
        Node::List(items) => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|item| match item {
                    Node::List(cells) => cells.iter().map(Node::cell).collect(),
                    other => vec![other.cell()],
                })
                .collect();
            grid(None, &rows)
        }
        Node::Object(fields) => {
            let header = ["field".to_owned(), "value".to_owned()];
            let mut rows = Vec::new();
            let mut lists = Vec::new();
            for (key, value) in fields {
                match value.objects() {
                    Some(_) => lists.push((key, value)),
                    None => rows.push(vec![key.clone(), value.cell()]),
                }
            }
            let mut out = if rows.is_empty() {
                String::new()
            } else {
                grid(Some(&header), &rows)
            };
            for (key, list) in lists {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("{key}:\n"));
                out.push_str(&table(list, chosen));
            }
            out
        }
        scalar => format!("{}\n", scalar.cell()),
    }
}

/// A value as tab-separated text (see the module's documentation).
fn text(node: &Node) -> String {
    let line = |cells: Vec<String>| format!("{}\n", cells.join("\t"));
    if let Some(items) = node.objects() {
        let (columns, _) = columns(&items, true);
        return rows(&items, &columns).into_iter().map(line).collect();
    }
    let values = |node: &Node| match node {
        Node::List(items) => items.iter().map(Node::cell).collect(),
        Node::Object(fields) => fields.iter().map(|(_, v)| v.cell()).collect(),
        scalar => vec![scalar.cell()],
    };
    match node {
        Node::List(items) => items.iter().map(|item| line(values(item))).collect(),
        other => line(values(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(json: &str, query: Option<&str>, format: Format) -> String {
        Rendering::new(query, format, false)
            .expect("the query compiles")
            .render(json)
            .expect("it renders")
    }

    const ITEMS: &str = r#"[{"id":"a1","name":"db-1","status":"ACTIVE","volume":{"size":40}},{"id":"b22","name":"db-2","port":3306}]"#;

    #[test]
    fn json_without_a_query_is_printed_as_given() {
        assert_eq!(
            render(r#"{"x": 1.50}"#, None, Format::Json),
            "{\"x\": 1.50}\n"
        );
    }

    #[test]
    fn a_query_picks_from_the_answer() {
        assert_eq!(
            render(ITEMS, Some("[].id"), Format::Json),
            "[\n  \"a1\",\n  \"b22\"\n]\n"
        );
        assert_eq!(
            render(ITEMS, Some("[?port].name | [0]"), Format::Text),
            "db-2\n"
        );
    }

    #[test]
    fn a_bad_query_is_a_usage_error() {
        let failure = Rendering::new(Some("[?"), Format::Json, false)
            .err()
            .expect("refused");
        assert_eq!(failure.exit(), crate::Exit::Usage);
        assert!(failure.to_string().contains("JMESPath"), "{failure}");
    }

    #[test]
    fn tables_show_scalar_fields_as_columns() {
        assert_eq!(
            render(ITEMS, None, Format::Table),
            "id   name  status  port\n\
             ---  ----  ------  ----\n\
             a1   db-1  ACTIVE\n\
             b22  db-2          3306\n"
        );
        // A query chooses the columns, nested values included.
        assert_eq!(
            render(
                ITEMS,
                Some("[].{name: name, volume: volume}"),
                Format::Table
            ),
            "name  volume\n\
             ----  -----------\n\
             db-1  {\"size\":40}\n\
             db-2\n"
        );
    }

    #[test]
    fn tables_of_objects_list_fields_then_their_lists() {
        let answer = r#"{"total_count":2,"instances":[{"id":"a"},{"id":"b"}]}"#;
        assert_eq!(
            render(answer, None, Format::Table),
            "field        value\n\
             -----------  -----\n\
             total_count  2\n\
             \n\
             instances:\n\
             id\n\
             --\n\
             a\n\
             b\n"
        );
    }

    #[test]
    fn tables_keep_at_most_eight_columns_unless_queried() {
        let wide = r#"[{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10}]"#;
        let table = render(wide, None, Format::Table);
        assert!(table.starts_with("a  b  c  d  e  f  g  h\n"), "{table}");
        assert!(table.ends_with("(2 more fields not shown: choose the columns with --query)\n"));
    }

    #[test]
    fn text_is_tab_separated() {
        assert_eq!(
            render(ITEMS, None, Format::Text),
            "a1\tdb-1\tACTIVE\t{\"size\":40}\t\nb22\tdb-2\t\t\t3306\n"
        );
        assert_eq!(render(ITEMS, Some("[].id"), Format::Text), "a1\nb22\n");
        assert_eq!(
            render(r#"{"a":"x y","b":null,"c":true}"#, None, Format::Text),
            "x y\t\ttrue\n"
        );
    }
}
