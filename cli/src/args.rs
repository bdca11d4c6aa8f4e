//! The parsed flags of one subcommand, read back as the types of the operation's input.
//!
//! Every flag's value is parsed by clap into JSON (text, a number, a boolean, a listed
//! value or a JSON document, see [`Kind`](crate::Kind)), so that a bad number is reported
//! by clap naming the flag; the JSON then decodes into whatever type the input's field has
//! (a string, an integer, a generated enum or struct), through serde.

use clap::{ArgMatches, Command};
use clouddb_runtime::paginate::Paginated;
use clouddb_runtime::Operation;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::body::{self, Source};
use crate::call::{Call, IdFrom, WaitFn};
use crate::exit::Failure;
use crate::fields;
use crate::{Field, Flag, OperationCli};
use clouddb_runtime::Vendor;

/// The flags of one subcommand, as the generated code reads them.
pub struct Args<'a> {
    matches: &'a ArgMatches,
    command: &'a Command,
    flags: &'static [Flag],
    body_fields: &'static [Field],
    body_secrets: &'static [&'static str],
}

impl std::fmt::Debug for Args<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Flag values may be secrets; only their names are shown.
        let ids: Vec<&str> = self.matches.ids().map(|id| id.as_str()).collect();
        f.debug_struct("Args").field("given", &ids).finish()
    }
}

impl<'a> Args<'a> {
    /// The flags of `operation`, parsed by its subcommand `command`.
    pub(crate) fn new<V>(
        matches: &'a ArgMatches,
        operation: &OperationCli<V>,
        command: &'a Command,
    ) -> Self {
        Self {
            matches,
            command,
            flags: operation.flags,
            body_fields: operation.body.map_or(&[], |b| b.fields),
            body_secrets: operation.secrets.body,
        }
    }

    /// The value of a required flag (clap has already refused a missing one, unless the
    /// value may come from its fields' flags).
    pub fn required<T: DeserializeOwned>(&self, flag: &str) -> crate::Result<T> {
        self.optional(flag)?.ok_or_else(|| {
            let fields = self
                .flags
                .iter()
                .find(|f| f.name == flag)
                .map_or(&[][..], |f| f.fields);
            let required = fields::required_flags(self.command, flag, fields);
            if required.is_empty() && fields.is_empty() {
                Failure::usage(format!("the flag --{flag} is required"))
            } else {
                Failure::usage(format!(
                    "--{flag} is required: give its fields as flags ({}), or the whole as JSON",
                    required.join(", ")
                ))
            }
        })
    }

    /// The value of an optional flag; a repeated flag gives a list. A JSON object
    /// parameter whose fields are flags too is built from them, over its JSON if given.
    pub fn optional<T: DeserializeOwned>(&self, flag: &str) -> crate::Result<Option<T>> {
        let fields = self
            .flags
            .iter()
            .find(|f| f.name == flag)
            .map_or(&[][..], |f| f.fields);
        if let Some(given) = fields::read(self.matches, flag, fields) {
            let mut value = self
                .matches
                .get_one::<Value>(flag)
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            fields::merge(&mut value, given);
            let what = format!("the fields of --{flag}");
            let hint = |wires: &[&str]| fields::flag_of(self.command, flag, wires);
            return body::decode_value(value, &what, &[], &hint).map(Some);
        }
        let values = match self.matches.try_get_many::<Value>(flag) {
            Ok(Some(values)) => values.cloned().collect::<Vec<_>>(),
            Ok(None) => return Ok(None),
            Err(e) => return Err(Failure::usage(format!("--{flag}: {e}"))),
        };
        let list = self.flags.iter().any(|f| f.name == flag && f.list);
        let value = if list {
            Value::Array(values)
        } else {
            values.into_iter().next().unwrap_or(Value::Null)
        };
        serde_path_to_error::deserialize(value)
            .map(Some)
            .map_err(|e| {
                let at = match e.path().to_string().as_str() {
                    "." => String::new(),
                    path => format!(" at `{path}`"),
                };
                Failure::usage(format!("invalid value for --{flag}{at}: {}", e.inner()))
            })
    }

    /// The required body, from its fields' flags, `--body` or `--body-file`.
    pub fn body<T: DeserializeOwned>(&self) -> crate::Result<T> {
        self.optional_body()?.ok_or_else(|| {
            let required = fields::required_flags(self.command, "body", self.body_fields);
            if self.body_fields.is_empty() {
                Failure::usage("the body is required: give --body or --body-file")
            } else if required.is_empty() {
                Failure::usage(
                    "the body is required: give its fields as flags, --body or --body-file",
                )
            } else {
                Failure::usage(format!(
                    "the body is required: give its fields as flags ({}), --body or --body-file",
                    required.join(", ")
                ))
            }
        })
    }

    /// The optional body: its fields' flags, over `--body` or `--body-file` if given.
    pub fn optional_body<T: DeserializeOwned>(&self) -> crate::Result<Option<T>> {
        let Some(given) = fields::read(self.matches, "body", self.body_fields) else {
            return self.json_body();
        };
        let (mut value, what) = match self.json_body::<Value>()? {
            Some(value) => (value, "the body and its field flags"),
            None => (Value::Object(Map::new()), "the body's field flags"),
        };
        fields::merge(&mut value, given);
        let hint = |wires: &[&str]| fields::flag_of(self.command, "body", wires);
        body::decode_value(value, what, self.body_secrets, &hint).map(Some)
    }

    /// The body from `--body` or `--body-file` alone.
    fn json_body<T: DeserializeOwned>(&self) -> crate::Result<Option<T>> {
        let text = self.matches.get_one::<String>("body");
        let file = self.matches.get_one::<String>("body-file");
        let source = match (text, file) {
            (Some(text), None) => Source::Text(text),
            (None, Some(path)) => Source::File(path),
            (None, None) => return Ok(None),
            (Some(_), Some(_)) => {
                return Err(Failure::usage(
                    "give either --body or --body-file, not both",
                ))
            }
        };
        body::decode(source, self.body_secrets).map(Some)
    }

    /// The call of a whole input, sent as one request.
    pub fn call<V, O>(&self, input: O) -> crate::Result<Call<V>>
    where
        V: Vendor,
        O: Operation + 'static,
        O::Output: Serialize,
    {
        Ok(Call::single(input))
    }

    /// The call of a paged list: one page, or every item with `--all`.
    pub fn call_paged<V, O>(&self, input: O) -> crate::Result<Call<V>>
    where
        V: Vendor,
        O: Paginated + Sync,
        O::Output: Serialize + 'static,
        O::Item: Serialize,
    {
        Ok(Call::paged(input))
    }

    /// The call of an operation whose answer is a file, written to `--output-file` as it
    /// arrives.
    pub fn call_download<V, O>(&self, input: O) -> crate::Result<Call<V>>
    where
        V: Vendor,
        O: Operation + 'static,
    {
        let path = self
            .matches
            .get_one::<String>("output-file")
            .cloned()
            .ok_or_else(|| {
                crate::Failure::usage("--output-file is required: the answer is a file")
            })?;
        Ok(Call::download(input, path))
    }

    /// The call of an operation that starts work: a job, or work on a resource. `id` says
    /// where the id to wait on comes from, and `wait` waits for it with `--wait`.
    pub fn call_waiting<V, O>(
        &self,
        input: O,
        id: IdFrom<O>,
        wait: WaitFn<V>,
    ) -> crate::Result<Call<V>>
    where
        V: Vendor,
        O: Operation + 'static,
        O::Output: Serialize,
    {
        Ok(Call::waiting(input, id, wait))
    }
}
