//! Building the clap command from a service's table: a subcommand per operation, a flag
//! per parameter with its value parser, the body flags, and the flags every subcommand
//! shares (output, dry run, attempts and timeouts) next to the vendor's.

use std::collections::HashSet;
use std::time::Duration;

use clap::builder::{BoolValueParser, PossibleValuesParser, StringValueParser, TypedValueParser};
use clap::{value_parser, Arg, ArgAction, ArgGroup, ArgMatches, Command};
use clouddb_runtime::wait::WaitOptions;
use clouddb_runtime::CallOptions;
use serde_json::Value;

use crate::exit::{Exit, Failure};
use crate::fields::Adding;
use crate::format::{Format, Rendering};
use crate::progress::Progress;
use crate::{Flag, Kind, OperationCli, ServiceCli};

/// Heading of the flags that every subcommand shares.
pub(crate) const GLOBAL: &str = "Global options";

/// Which subcommands get their flags: building thousands of flags that a run does not use
/// would cost every run (and every test) time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail<'a> {
    /// Every subcommand (for completions and man pages).
    All,
    /// Only this operation's; the others have their name and summary.
    Only(&'a str),
    /// None: names and summaries, for the list of subcommands.
    Names,
}

impl<'a> Detail<'a> {
    /// What a run with these arguments needs: the operation it names (the first word that
    /// is neither a flag nor a global flag's value), everything for `completion` and `man`.
    pub(crate) fn for_args<C>(
        service: &ServiceCli<C>,
        args: &'a [std::ffi::OsString],
        value_flags: &[String],
    ) -> Self {
        let mut words = args.iter().skip(1);
        while let Some(word) = words.next() {
            let Some(word) = word.to_str() else {
                return Detail::Names;
            };
            if let Some(flag) = word.strip_prefix("--") {
                if !flag.contains('=') && value_flags.iter().any(|f| f == flag) {
                    words.next();
                }
                continue;
            }
            if word.starts_with('-') {
                continue;
            }
            return match word {
                // `help <operation>` shows the operation's help.
                "help" => continue,
                "completion" | "man" => Detail::All,
                name if service.operation(name).is_some() => Detail::Only(word),
                _ => Detail::Names,
            };
        }
        Detail::Names
    }
}

/// The whole command: the shared and vendor flags, then one subcommand per operation (with
/// their flags as `detail` says), and `completion` and `man`. `bin` is how the program is
/// called (`clouddb-css`, or `clouddb css` in the all-in-one program).
pub(crate) fn command<C>(
    service: &ServiceCli<C>,
    bin: &str,
    vendor_flags: Vec<Arg>,
    detail: Detail<'_>,
) -> Command {
    let mut root = Command::new(service.bin)
        .bin_name(bin)
        .version(service.version)
        .about(service.about)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(Exit::help())
        .args(common_flags())
        .args(
            vendor_flags
                .into_iter()
                .map(|arg| arg.global(true).help_heading(GLOBAL)),
        );
    if !service.long_about.is_empty() {
        root = root.long_about(service.long_about);
    }
    let globals: Vec<String> = root
        .get_arguments()
        .filter_map(|arg| arg.get_long().map(str::to_owned))
        .collect();
    root = root.subcommands(service.operations().into_iter().map(|op| {
        match detail {
            Detail::All => operation(op, bin, &globals),
            Detail::Only(name) if name == op.name => operation(op, bin, &globals),
            _ => Command::new(op.name)
                .about(op.about)
                .hide(op.deprecated.is_some()),
        }
    }));
    // Within the all-in-one program (`clouddb css`), completions and man pages are the
    // whole program's.
    if !bin.contains(' ') {
        root = root.subcommands(crate::program::extra_subcommands());
    }
    root
}

fn operation<C>(op: &OperationCli<C>, bin: &str, globals: &[String]) -> Command {
    let mut command = Command::new(op.name)
        .about(op.about)
        .long_about(op.long_about)
        .args(op.flags.iter().map(flag));
    if let Some(replacement) = op.deprecated {
        command = command
            .hide(true)
            .before_help(deprecation(op.name, replacement));
    }
    if !op.example.is_empty() {
        command = command.after_help(format!("Example:\n  {bin} {}", op.example));
    }
    if op.pages {
        command = command.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Reads every page from this request's position on and prints all the items as one JSON array"),
        );
    }
    if op.job {
        command = command.args([
            Arg::new("wait")
                .long("wait")
                .action(ArgAction::SetTrue)
                .help("Waits for the work the call starts to end, showing its progress on standard error (a live line on a terminal), then prints its last state as JSON"),
            Arg::new("wait-interval")
                .long("wait-interval")
                .value_name("SECONDS")
                .requires("wait")
                .value_parser(parse_seconds)
                .help("Seconds before the first poll of the job, and between polls at first (default 1, then 2 growing to 30)"),
            Arg::new("wait-timeout")
                .long("wait-timeout")
                .value_name("SECONDS")
                .requires("wait")
                .value_parser(parse_seconds)
                .help("The longest wait for the job (default 3600); the job goes on on the server"),
        ]);
    }
    if op.file {
        command = command.arg(
            Arg::new("output-file")
                .long("output-file")
                .value_name("PATH")
                .required(true)
                .help("Where to write the file the service answers with (- for standard output); a summary of the download is printed as JSON"),
        );
    }
    if let Some(body) = op.body {
        command = command
            .arg(
                Arg::new("body")
                    .long("body")
                    .value_name("JSON")
                    .help(format!(
                        "The request body, as JSON; the body's field flags win over it. {}",
                        body.help
                    )),
            )
            .arg(
                Arg::new("body-file")
                    .long("body-file")
                    .value_name("PATH")
                    .help("Reads the request body (JSON) from a file; `-` reads standard input"),
            )
            .group(
                ArgGroup::new("body-source")
                    .args(["body", "body-file"])
                    .required(body.required && body.fields.is_empty()),
            );
    }
    field_flags(command, op, globals)
}

/// Adds the flags of the fields of the operation's JSON object parameters, then of its
/// body's fields; a name already taken gets the group's name in front.
fn field_flags<C>(mut command: Command, op: &OperationCli<C>, globals: &[String]) -> Command {
    let mut taken: HashSet<String> = globals
        .iter()
        .cloned()
        .chain(
            command
                .get_arguments()
                .filter_map(|arg| arg.get_long().map(str::to_owned)),
        )
        .chain(["help".to_owned(), "version".to_owned()])
        .collect();
    for flag in op.flags.iter().filter(|f| !f.fields.is_empty()) {
        let heading = format!("Fields of --{} (instead of its JSON; these win)", flag.name);
        let args = Adding {
            group: flag.name,
            heading: &heading,
            taken: &mut taken,
        }
        .flags(flag.fields);
        command = command.args(args);
    }
    if let Some(body) = op.body.filter(|b| !b.fields.is_empty()) {
        let args = Adding {
            group: "body",
            heading: "Body fields (instead of --body, or over it: these win)",
            taken: &mut taken,
        }
        .flags(body.fields);
        command = command.args(args);
    }
    command
}

/// What a deprecated subcommand says in its help and on use.
pub(crate) fn deprecation(name: &str, replacement: &str) -> String {
    if replacement.is_empty() {
        format!(
            "`{name}` is deprecated: the vendor is taking it offline and documents no replacement."
        )
    } else {
        format!(
            "`{name}` is deprecated: the vendor is taking it offline; use `{replacement}` instead."
        )
    }
}

fn flag(flag: &Flag) -> Arg {
    let arg = Arg::new(flag.name)
        .long(flag.name)
        .help(flag.help)
        .required(flag.required && flag.fields.is_empty())
        .action(if flag.list {
            ArgAction::Append
        } else {
            ArgAction::Set
        });
    typed(arg, flag.kind)
}

/// The flag with the value name and parser of its kind: each value is parsed into JSON.
pub(crate) fn typed(arg: Arg, kind: Kind) -> Arg {
    match kind {
        Kind::String => arg
            .value_name("TEXT")
            .value_parser(StringValueParser::new().map(Value::String)),
        Kind::Int32 => arg
            .value_name("INTEGER")
            .value_parser(value_parser!(i32).map(Value::from)),
        Kind::Int64 => arg
            .value_name("INTEGER")
            .value_parser(value_parser!(i64).map(Value::from)),
        Kind::Number => arg.value_name("NUMBER").value_parser(parse_number),
        Kind::Bool => arg
            .value_name("BOOL")
            .value_parser(BoolValueParser::new().map(Value::Bool)),
        Kind::Enum(values) => arg
            .value_name("VALUE")
            .value_parser(PossibleValuesParser::new(values.iter().copied()).map(Value::String)),
        Kind::Json => arg.value_name("JSON").value_parser(parse_json),
    }
}

fn parse_number(text: &str) -> Result<Value, String> {
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| "not a finite number".to_owned())
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    // `try_from`: a number of seconds too large for a `Duration` (1e20) is refused, not a
    // panic; one too small to be a nanosecond is refused as zero.
    match text.parse::<f64>().map(Duration::try_from_secs_f64) {
        Ok(Ok(duration)) if !duration.is_zero() => Ok(duration),
        _ => Err("not a positive number of seconds".to_owned()),
    }
}

/// The flags of every subcommand: output, dry run, attempts and timeouts.
pub(crate) fn common_flags() -> Vec<Arg> {
    let switch = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .help(help)
            .action(ArgAction::SetTrue)
    };
    let seconds = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .value_name("SECONDS")
            .help(help)
            .value_parser(parse_seconds)
    };
    vec![
        switch(
            "dry-run",
            "Prints the signed request (method, URL, headers, body) without sending it; \
             signatures, tokens and secret fields are redacted",
        ),
        switch("compact", "Prints the answer as one line of JSON"),
        Arg::new("query").long("query").value_name("JMESPATH").help(
            "Prints only what this JMESPath expression picks from the answer as the \
                 service sent it (from the items with --all, from the last state with --wait), \
                 for example 'instances[].{id: id, name: name}'",
        ),
        Arg::new("output")
            .long("output")
            .value_name("FORMAT")
            .value_parser(["json", "table", "text"])
            .default_value("json")
            .help(
                "How the answer is printed: json, table (a list of objects as columns, an \
                 object as names and values), or text (tab-separated values, one line per \
                 item, for shell scripts)",
            ),
        Arg::new("max-attempts")
            .long("max-attempts")
            .value_name("N")
            .help("Attempts in all, the first included (1 disables retries; default 3)")
            .value_parser(value_parser!(u32).range(1..)),
        seconds(
            "connect-timeout",
            "How long connecting may take (default 60)",
        ),
        seconds(
            "attempt-timeout",
            "How long one attempt may take (default 120)",
        ),
        seconds(
            "call-timeout",
            "How long the whole call may take, retries included",
        ),
    ]
    .into_iter()
    .map(|arg| arg.global(true).help_heading(GLOBAL))
    .collect()
}

/// The shared flags as given.
pub(crate) struct Common {
    pub(crate) dry_run: bool,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) options: CallOptions,
    pub(crate) all: bool,
    /// `--wait`, with the waiting options (progress goes to standard error).
    pub(crate) wait: Option<WaitOptions>,
    /// The progress display of `--wait`.
    pub(crate) progress: Option<Progress>,
    /// `--query`, `--output` and `--compact`.
    pub(crate) rendering: Rendering,
}

impl std::fmt::Debug for Common {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Common")
            .field("dry_run", &self.dry_run)
            .field("all", &self.all)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

impl Common {
    /// The shared flags; a `--query` that does not compile is a usage error.
    pub(crate) fn from_matches(matches: &ArgMatches) -> Result<Self, Failure> {
        let mut options = CallOptions::new();
        if let Some(attempts) = matches.get_one::<u32>("max-attempts") {
            options = options.max_attempts(*attempts);
        }
        if let Some(timeout) = matches.get_one::<Duration>("attempt-timeout") {
            options = options.attempt_timeout(*timeout);
        }
        if let Some(timeout) = matches.get_one::<Duration>("call-timeout") {
            options = options.call_timeout(*timeout);
        }
        let flag = |name: &str| matches!(matches.try_get_one::<bool>(name), Ok(Some(true)));
        let seconds = |name: &str| {
            matches
                .try_get_one::<Duration>(name)
                .ok()
                .flatten()
                .copied()
        };
        let progress = flag("wait").then(Progress::on_stderr);
        let wait = progress.as_ref().map(|progress| {
            let mut wait = WaitOptions::new().on_progress(progress.callback());
            if let Some(interval) = seconds("wait-interval") {
                wait = wait
                    .first_poll(interval)
                    .interval(interval, interval.max(Duration::from_secs(30)));
            }
            if let Some(timeout) = seconds("wait-timeout") {
                wait = wait.max_wait(timeout);
            }
            wait
        });
        let format = match matches.get_one::<String>("output").map(String::as_str) {
            Some("table") => Format::Table,
            Some("text") => Format::Text,
            _ => Format::Json,
        };
        let rendering = Rendering::new(
            matches.get_one::<String>("query").map(String::as_str),
            format,
            matches.get_flag("compact"),
        )?;
        Ok(Self {
            dry_run: matches.get_flag("dry-run"),
            connect_timeout: matches.get_one::<Duration>("connect-timeout").copied(),
            options,
            all: flag("all"),
            wait,
            progress,
            rendering,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_run_is_the_first_word_that_is_no_flag_or_flag_value() {
        let service: ServiceCli<()> = ServiceCli {
            bin: "clouddb-test",
            version: "0",
            about: "",
            long_about: "",
            tags: &[&[OperationCli {
                name: "list-things",
                about: "",
                long_about: "",
                example: "",
                deprecated: None,
                flags: &[],
                body: None,
                pages: false,
                job: false,
                file: false,
                secrets: clouddb_runtime::SecretFields::NONE,
                build: |_| Err(Failure::usage("not built in this test")),
            }]],
        };
        let detail = |args: &[&str]| {
            let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
            let value_flags = ["region".to_owned()];
            format!("{:?}", Detail::for_args(&service, &args, &value_flags))
        };
        assert_eq!(
            detail(&["bin", "--region", "list-things", "list-things"]),
            "Only(\"list-things\")"
        );
        assert_eq!(
            detail(&["bin", "--region=x", "--compact", "list-things"]),
            "Only(\"list-things\")"
        );
        assert_eq!(
            detail(&["bin", "help", "list-things"]),
            "Only(\"list-things\")"
        );
        assert_eq!(
            detail(&["bin", "--region", "x", "completion", "bash"]),
            "All"
        );
        assert_eq!(detail(&["bin", "man"]), "All");
        assert_eq!(detail(&["bin", "--help"]), "Names");
        assert_eq!(detail(&["bin", "list-thing"]), "Names");
    }
}
