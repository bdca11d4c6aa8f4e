//! A program is one service's command-line client behind a vendor-free trait, so that the
//! per-service binaries and the all-in-one `clouddb` (which dispatches `clouddb <service>
//! <operation>`) share everything; and the subcommands every program has besides its
//! operations: `completion <shell>` (clap_complete) and `man` (clap_mangen).

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{value_parser, Arg, ArgMatches, Command};
use clap_complete::Shell;

use crate::exit::{Exit, Failure};
use crate::output::print_failure;

/// One service's command-line client, with its vendor erased. The generated CLI crates
/// define one (`PROGRAM`); [`main`] runs it as its own binary, [`main_all`] runs several as
/// one.
pub trait Program: Sync {
    /// Its name in the all-in-one program: the spec file's stem (`css`, `gaussdb-mysql`).
    fn name(&self) -> &'static str;
    /// One line: which API it calls.
    fn about(&self) -> &'static str;
    /// The command, called as `bin`: with every subcommand's flags when `full` (for
    /// completions and man pages), else with the subcommands' names and summaries.
    fn command(&self, bin: &str, full: bool) -> Command;
    /// Runs it, called as `bin`, with these arguments (the first is the program's path).
    fn run(&self, bin: &str, args: Vec<OsString>) -> Exit;
}

/// Runs one program as the process, with the process's arguments.
pub fn main(program: &dyn Program) -> ExitCode {
    let bin = format!("clouddb-{}", program.name());
    program.run(&bin, std::env::args_os().collect()).into()
}

/// The subcommands every program has besides its operations.
pub(crate) fn extra_subcommands() -> [Command; 2] {
    [
        Command::new("completion")
            .about("Prints the shell completion script (bash, zsh, fish, powershell or elvish)")
            .long_about(
                "Prints the shell completion script. For bash: \
                 `source <(clouddb completion bash)`, or save it under \
                 ~/.local/share/bash-completion/completions/; for zsh save it as `_<program>` \
                 in a folder of $fpath; for fish under ~/.config/fish/completions/.",
            )
            .arg(
                Arg::new("shell")
                    .value_name("SHELL")
                    .required(true)
                    .value_parser(value_parser!(Shell)),
            ),
        Command::new("man")
            .about("Prints the manual page, or writes one per subcommand to a folder")
            .arg(
                Arg::new("dir")
                    .long("dir")
                    .value_name("DIR")
                    .help("Writes the program's page and one page per subcommand to this folder"),
            ),
    ]
}

/// Runs `completion` or `man` if that is the subcommand given; `None` otherwise.
pub(crate) fn run_extra(command: &mut Command, bin: &str, matches: &ArgMatches) -> Option<Exit> {
    let (name, matches) = matches.subcommand()?;
    let result = match name {
        "completion" => {
            let shell = *matches.get_one::<Shell>("shell")?;
            let mut out = Vec::new();
            clap_complete::generate(shell, command, bin, &mut out);
            write_stdout(&out)
        }
        "man" => man(command.clone(), matches.get_one::<String>("dir")),
        _ => return None,
    };
    Some(match result {
        Ok(()) => Exit::Success,
        Err(failure) => print_failure(&failure),
    })
}

fn man(command: Command, dir: Option<&String>) -> Result<(), Failure> {
    let Some(dir) = dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut out)
            .map_err(|e| Failure::other(format!("cannot render the manual page: {e}")))?;
        return write_stdout(&out);
    };
    std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(command, dir))
        .map_err(|e| Failure::other(format!("cannot write the manual pages to {dir}: {e}")))
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::other(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Runs the all-in-one program, `clouddb <service> <operation> ...`, over these programs.
pub fn main_all(programs: &[&dyn Program]) -> ExitCode {
    run_all(programs, std::env::args_os().collect()).into()
}

/// The all-in-one command: one subcommand per service (each the service's command, whole
/// when `full`), then `completion` and `man`.
fn all_command(programs: &[&dyn Program], full: bool) -> Command {
    Command::new("clouddb")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Calls the cloud database control-plane APIs: one subcommand per service, then one per operation")
        .after_help(Exit::help())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(programs.iter().map(|program| {
            program
                .command(&format!("clouddb {}", program.name()), full)
                .name(program.name())
                .about(program.about())
        }))
        .subcommands(extra_subcommands())
}

fn run_all(programs: &[&dyn Program], args: Vec<OsString>) -> Exit {
    // A service's run builds only its own command; its global flags may come before the
    // service's name (`clouddb --region cn-north-4 css list-clusters-details`).
    let found = args.iter().enumerate().skip(1).find_map(|(i, arg)| {
        let program = programs.iter().find(|p| arg == p.name())?;
        Some((i, program))
    });
    if let Some((at, program)) = found {
        let bin = format!("clouddb {}", program.name());
        let mut rest = vec![OsString::from(&bin)];
        let mut args = args.into_iter().skip(1);
        rest.extend(args.by_ref().take(at - 1));
        rest.extend(args.skip(1));
        return program.run(&bin, rest);
    }
    let full = args
        .get(1)
        .is_some_and(|word| word == "completion" || word == "man");
    let mut command = all_command(programs, full);
    let matches = match crate::run::parse(&mut command, args) {
        Ok(matches) => matches,
        Err(exit) => return exit,
    };
    run_extra(&mut command, "clouddb", &matches)
        .unwrap_or_else(|| print_failure(&Failure::usage("no service given")))
}
