//! The hand-written part of the clouddb command-line clients: everything that does not
//! depend on a spec.
//!
//! A generated CLI crate (`generated/<service>-cli`) describes its operations as tables
//! ([`OperationCli`]: the subcommand's name, help texts, flags, body and example; one
//! [`Field`] table per request struct, each field a flag) and gives each operation a small
//! function that turns the parsed flags ([`Args`]) into the operation's input
//! ([`Args::call`]). Its `PROGRAM` ([`Program`]) runs as its own binary ([`main`]) or inside
//! the all-in-one `clouddb` ([`main_all`]). This crate builds the clap command from the
//! tables, adds the global flags of the vendor ([`huawei`], [`qingcloud`]), turns body
//! fields given as flags into JSON merged over `--body`, builds the client from the same
//! credential chain as the library, sends the call (or signs it without sending,
//! `--dry-run`), shows the progress of `--wait`, prints the answer (`--query`, `--output
//! json|table|text`), answers `completion` and `man`, and exits with a status that tells
//! the outcome ([`Exit`]).
//!
//! clap's builder API is used rather than its derive macros: the commands are built at run
//! time from static tables, so a service of 322 operations costs a table row and a
//! five-line function per operation and a row per request field, instead of a derived
//! struct each, which keeps the generated code small and its compile time low.

#![warn(missing_docs, unreachable_pub)]

mod args;
mod body;
mod call;
mod command;
mod exit;
mod fields;
mod format;
pub mod huawei;
mod output;
mod program;
mod progress;
pub mod qingcloud;
mod run;

pub use args::Args;
pub use call::{Call, IdFrom, LocalFuture, WaitFn};
pub use clouddb_runtime::SecretFields;
pub use exit::{Exit, Failure};
pub use program::{main, main_all, Program};
pub use run::{CliVendor, ServiceProgram};

/// A service's name in the all-in-one program: its program's name without `clouddb-`.
pub(crate) fn service_name(bin: &'static str) -> &'static str {
    bin.strip_prefix("clouddb-").unwrap_or(bin)
}

/// The result of building a call from the flags.
pub type Result<T> = std::result::Result<T, Failure>;

/// A command-line client of one service: the program's name, its help and its operations.
pub struct ServiceCli<V: 'static> {
    /// The program's name (`clouddb-css`).
    pub bin: &'static str,
    /// The program's version.
    pub version: &'static str,
    /// One line: which API it calls.
    pub about: &'static str,
    /// What the service is (the spec's description).
    pub long_about: &'static str,
    /// The operations, one group per tag of the spec, in the spec's tag order (a generated
    /// crate keeps each tag's table in a file of its own, and static slices cannot be
    /// joined); [`ServiceCli::operations`] lists them all.
    pub tags: &'static [&'static [OperationCli<V>]],
}

impl<V> ServiceCli<V> {
    /// Every operation, sorted by name: the order of the subcommands in `--help`, completions
    /// and man pages.
    pub fn operations(&self) -> Vec<&'static OperationCli<V>> {
        let mut all: Vec<&'static OperationCli<V>> = self.tags.iter().copied().flatten().collect();
        all.sort_by_key(|op| op.name);
        all
    }

    /// The operation run by the subcommand `name`.
    pub fn operation(&self, name: &str) -> Option<&'static OperationCli<V>> {
        self.tags
            .iter()
            .copied()
            .flatten()
            .find(|op| op.name == name)
    }
}

impl<V> std::fmt::Debug for ServiceCli<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceCli")
            .field("bin", &self.bin)
            .field("tags", &self.tags)
            .finish_non_exhaustive()
    }
}

/// One operation: a subcommand.
pub struct OperationCli<V: 'static> {
    /// The subcommand (`list-immediate-jobs`).
    pub name: &'static str,
    /// One line for the list of subcommands (the operation's summary).
    pub about: &'static str,
    /// The subcommand's `--help` text (summary, description, method and path).
    pub long_about: &'static str,
    /// The arguments of one runnable call (`create-instance --name gauss-1 ...`), from the
    /// spec's request example, shown at the end of `--help`; empty if the spec has none.
    pub example: &'static str,
    /// For a deprecated operation: the subcommand that replaces it, or `""` when the vendor
    /// documents none.
    pub deprecated: Option<&'static str>,
    /// The flags of its parameters, in spec order.
    pub flags: &'static [Flag],
    /// Its JSON body, if it has one.
    pub body: Option<BodyFlag>,
    /// Whether the list pages (the subcommand gets `--all`).
    pub pages: bool,
    /// Whether the work it starts can be waited for, a job or a resource's state (the
    /// subcommand gets `--wait`).
    pub job: bool,
    /// Whether its answer is a file (the subcommand gets `--output-file`).
    pub file: bool,
    /// Secret parameters and body fields, redacted from `--dry-run` and from body errors.
    pub secrets: SecretFields<'static>,
    /// Builds the call from the parsed flags.
    pub build: fn(&Args<'_>) -> Result<Call<V>>,
}

impl<V> std::fmt::Debug for OperationCli<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationCli")
            .field("name", &self.name)
            .field("deprecated", &self.deprecated)
            .field("flags", &self.flags)
            .field("body", &self.body)
            .field("pages", &self.pages)
            .field("job", &self.job)
            .finish_non_exhaustive()
    }
}

/// The `--body`/`--body-file` flags of an operation with a JSON body, and the flags of
/// the body's fields.
#[derive(Debug, Clone, Copy)]
pub struct BodyFlag {
    /// Whether the body must be given.
    pub required: bool,
    /// What the body is (the spec's description of it).
    pub help: &'static str,
    /// The body's fields, each a flag (`--datastore.type`); empty when the body is not an
    /// object with known fields.
    pub fields: &'static [Field],
}

/// The flag of one parameter.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// The long name, without dashes (`job-id`); also the key for [`Args`].
    pub name: &'static str,
    /// The parameter's description.
    pub help: &'static str,
    /// How the value is written.
    pub kind: Kind,
    /// Whether the flag must be given.
    pub required: bool,
    /// Whether the flag may be repeated, once per item of a list.
    pub list: bool,
    /// The fields of a JSON object parameter (QingCloud's `service_params`), each also a
    /// flag of its own (`--node-id`); empty for other parameters.
    pub fields: &'static [Field],
}

impl Flag {
    /// An optional, single-valued flag.
    pub const fn new(name: &'static str, kind: Kind, help: &'static str) -> Self {
        Self {
            name,
            help,
            kind,
            required: false,
            list: false,
            fields: &[],
        }
    }

    /// The parameter is a JSON object whose fields are flags too.
    pub const fn fields(mut self, fields: &'static [Field]) -> Self {
        self.fields = fields;
        self
    }

    /// The flag must be given.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The flag is repeated, once per item of the list.
    pub const fn list(mut self) -> Self {
        self.list = true;
        self
    }
}

/// A field of a request body (or of a JSON object parameter) given as a flag of its own:
/// one row of a generated table. The flag's name is the field's path, each wire name in
/// kebab-case, joined with dots (`--datastore.type`).
#[derive(Clone, Copy)]
pub struct Field {
    /// The field's name on the wire (`charge_info`).
    pub wire: &'static str,
    /// The field's description, with its documented constraints.
    pub help: &'static str,
    /// What the field holds.
    pub shape: Shape,
    /// Whether the object that holds the field must have it.
    pub required: bool,
}

impl Field {
    /// A field holding one value.
    pub const fn new(wire: &'static str, kind: Kind, help: &'static str) -> Self {
        Self {
            wire,
            help,
            shape: Shape::Value(kind),
            required: false,
        }
    }

    /// A field holding an object, whose fields are flags (`--datastore.type`).
    pub const fn object(wire: &'static str, fields: &'static [Field], help: &'static str) -> Self {
        Self {
            wire,
            help,
            shape: Shape::Object(fields),
            required: false,
        }
    }

    /// A field holding a list of objects, whose fields are flags repeated once per item.
    pub const fn objects(wire: &'static str, fields: &'static [Field], help: &'static str) -> Self {
        Self {
            wire,
            help,
            shape: Shape::Objects(fields),
            required: false,
        }
    }

    /// The field holds a list of values: the flag is repeated once per item.
    pub const fn list(mut self) -> Self {
        if let Shape::Value(kind) = self.shape {
            self.shape = Shape::Values(kind);
        }
        self
    }

    /// The object that holds the field must have it.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Field")
            .field("wire", &self.wire)
            .field("shape", &self.shape)
            .field("required", &self.required)
            .finish_non_exhaustive()
    }
}

/// What a [`Field`] holds.
#[derive(Clone, Copy)]
pub enum Shape {
    /// One value.
    Value(Kind),
    /// A list of values.
    Values(Kind),
    /// An object with these fields.
    Object(&'static [Field]),
    /// A list of objects with these fields.
    Objects(&'static [Field]),
}

impl std::fmt::Debug for Shape {
    // Tables may refer to each other in a cycle: only the names of nested fields are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |fields: &[Field]| fields.iter().map(|x| x.wire).collect::<Vec<_>>();
        match self {
            Shape::Value(kind) => f.debug_tuple("Value").field(kind).finish(),
            Shape::Values(kind) => f.debug_tuple("Values").field(kind).finish(),
            Shape::Object(fields) => f.debug_tuple("Object").field(&names(fields)).finish(),
            Shape::Objects(fields) => f.debug_tuple("Objects").field(&names(fields)).finish(),
        }
    }
}

/// How a flag's value is written and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    String,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// One of the listed values.
    Enum(&'static [&'static str]),
    /// A JSON value (objects, lists of objects, free-form JSON).
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn operation(name: &'static str) -> OperationCli<()> {
        OperationCli {
            name,
            about: "",
            long_about: "",
            example: "",
            deprecated: None,
            flags: &[],
            body: None,
            pages: false,
            job: false,
            file: false,
            secrets: SecretFields::NONE,
            build: unbuilt,
        }
    }

    fn unbuilt(_: &Args<'_>) -> Result<Call<()>> {
        Err(Failure::usage("not built in this test"))
    }

    #[test]
    fn operations_of_every_tag_are_listed_by_name() {
        static SERVICE: ServiceCli<()> = ServiceCli {
            bin: "clouddb-test",
            version: "0",
            about: "",
            long_about: "",
            tags: &[
                &[operation("list-things"), operation("show-thing")],
                &[operation("create-thing")],
            ],
        };
        let names: Vec<&str> = SERVICE.operations().iter().map(|op| op.name).collect();
        assert_eq!(names, ["create-thing", "list-things", "show-thing"]);
        assert_eq!(
            SERVICE.operation("create-thing").map(|op| op.name),
            Some("create-thing")
        );
        assert!(SERVICE.operation("delete-thing").is_none());
    }
}
