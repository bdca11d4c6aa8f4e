//! The hand-written part of the clouddb command-line clients: everything that does not
//! depend on a spec.
//!
//! A generated CLI crate (`generated/<service>-cli`) describes its operations as a table
//! ([`OperationCli`]: the subcommand's name, help texts, flags and body) and gives each one
//! a small function that turns the parsed flags ([`Args`]) into the operation's input
//! ([`Args::call`]). This crate builds the clap command from the table, adds the global
//! flags of the vendor ([`huawei`], [`qingcloud`]), reads JSON bodies, builds the client
//! from the same credential chain as the library, sends the call (or signs it without
//! sending, `--dry-run`), prints the answer as JSON and exits with a status that tells the
//! outcome ([`Exit`]).
//!
//! clap's builder API is used rather than its derive macros: the commands are built at run
//! time from static tables, so a service of 224 operations costs a table row and a
//! five-line function per operation instead of a derived struct each, which keeps the
//! generated code small and its compile time low.

#![warn(missing_docs, unreachable_pub)]

mod args;
mod body;
mod call;
mod command;
mod exit;
pub mod huawei;
mod output;
pub mod qingcloud;
mod run;

pub use args::Args;
pub use call::{Call, IdFrom, LocalFuture, WaitFn};
pub use clouddb_runtime::SecretFields;
pub use exit::{Exit, Failure};

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
    /// The operations, sorted by name.
    pub operations: &'static [OperationCli<V>],
}

impl<V> std::fmt::Debug for ServiceCli<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceCli")
            .field("bin", &self.bin)
            .field("operations", &self.operations)
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

/// The `--body`/`--body-file` flags of an operation with a JSON body.
#[derive(Debug, Clone, Copy)]
pub struct BodyFlag {
    /// Whether the body must be given.
    pub required: bool,
    /// What the body is (the spec's description of it).
    pub help: &'static str,
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
        }
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
