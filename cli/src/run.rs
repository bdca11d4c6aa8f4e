//! The main loop of every command-line client: parse the flags, build the call, build the
//! client, send (or sign without sending), print, and exit with the outcome's status.

use std::ffi::OsString;
use std::marker::PhantomData;

use clap::{Arg, ArgMatches, Command};
use clouddb_runtime::builder::{ClientBuilder, VendorConfig};
use clouddb_runtime::client::Client;
use clouddb_runtime::Service;

use crate::args::Args;
use crate::call::Plan;
use crate::command::{self, Common, Detail};
use crate::exit::{Exit, Failure};
use crate::output::{print_failure, print_outcome};
use crate::ServiceCli;

/// A vendor whose services have command-line clients: what it adds to the shared main loop
/// for the service `S`.
pub trait CliVendor: VendorConfig {
    /// Its flags (each with the builder setter its value goes to) and credentials help.
    #[doc(hidden)]
    fn cli<S: Service<Vendor = Self>>() -> VendorCli<S, Self>;
}

/// The command-line client of the service `S` (`clouddb_cli::huawei::Program` and
/// `clouddb_cli::qingcloud::Program` name it for each vendor).
pub struct ServiceProgram<S: Service> {
    service: &'static ServiceCli<S::Vendor>,
    client: PhantomData<fn() -> S>,
}

impl<S: Service> ServiceProgram<S> {
    /// The program of a service's table.
    pub const fn new(service: &'static ServiceCli<S::Vendor>) -> Self {
        Self {
            service,
            client: PhantomData,
        }
    }
}

impl<S: Service> std::fmt::Debug for ServiceProgram<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Program").field(&self.service.bin).finish()
    }
}

impl<S: Service> crate::Program for ServiceProgram<S>
where
    S::Vendor: CliVendor,
{
    fn name(&self) -> &'static str {
        crate::service_name(self.service.bin)
    }

    fn about(&self) -> &'static str {
        self.service.about
    }

    fn command(&self, bin: &str, full: bool) -> Command {
        let detail = if full { Detail::All } else { Detail::Names };
        command(self.service, bin, &S::Vendor::cli::<S>(), detail)
    }

    fn run(&self, bin: &str, args: Vec<OsString>) -> Exit {
        run(self.service, bin, S::Vendor::cli::<S>(), args)
    }
}

/// What a vendor adds to the shared main loop for the service `S`.
pub struct VendorCli<S, V: VendorConfig> {
    /// Its global flags (region, zone, endpoint, ...).
    pub(crate) flags: Vec<VendorFlag<S, V>>,
    /// Where its credentials come from, for `--help`.
    pub(crate) credentials: &'static str,
}

/// A vendor's global flag, which takes a value, and the client builder setter the value
/// goes to.
pub(crate) struct VendorFlag<S, V: VendorConfig> {
    arg: Arg,
    set: fn(ClientBuilder<S, V>, &String) -> ClientBuilder<S, V>,
}

impl<S, V: VendorConfig> VendorFlag<S, V> {
    /// `--<name> <VALUE_NAME>`, described by `help`, whose value goes to `set`.
    pub(crate) fn new(
        name: &'static str,
        value_name: &'static str,
        help: &str,
        set: fn(ClientBuilder<S, V>, &String) -> ClientBuilder<S, V>,
    ) -> Self {
        let arg = Arg::new(name)
            .long(name)
            .value_name(value_name)
            .help(help.to_owned());
        Self { arg, set }
    }
}

/// Builds the client of the service `S` from the flags: each vendor flag given calls its
/// setter, `--connect-timeout` is every vendor's, and what no flag gives comes from the
/// library's credential chain.
fn connect<S: Service<Vendor = V>, V: VendorConfig>(
    matches: &ArgMatches,
    common: &Common,
    flags: &[VendorFlag<S, V>],
) -> Result<Client<V>, clouddb_runtime::Error> {
    let mut builder = ClientBuilder::<S, V>::default();
    for flag in flags {
        if let Some(value) = matches.get_one::<String>(flag.arg.get_id().as_str()) {
            builder = (flag.set)(builder, value);
        }
    }
    if let Some(timeout) = common.connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    builder.build().map(|service| service.client().clone())
}

/// The matches of `args`, or the exit of what clap printed instead: help and version go to
/// standard output and succeed, the rest are usage errors.
pub(crate) fn parse(command: &mut Command, args: Vec<OsString>) -> Result<ArgMatches, Exit> {
    command.try_get_matches_from_mut(args).map_err(|e| {
        let exit = if e.use_stderr() {
            Exit::Usage
        } else {
            Exit::Success
        };
        let _ = e.print();
        exit
    })
}

/// The command of a service called as `bin`, with the vendor's flags and help, and the
/// subcommands' flags as `detail` says.
pub(crate) fn command<S, V: VendorConfig>(
    service: &ServiceCli<V>,
    bin: &str,
    vendor: &VendorCli<S, V>,
    detail: Detail<'_>,
) -> Command {
    let flags = vendor.flags.iter().map(|flag| flag.arg.clone()).collect();
    command::command(service, bin, flags, detail).after_help(format!(
        "{}\n{}",
        vendor.credentials,
        Exit::help()
    ))
}

/// Runs a service's program called as `bin` with these arguments (the first is the
/// program's path).
pub(crate) fn run<S: Service<Vendor = V>, V: VendorConfig>(
    service: &ServiceCli<V>,
    bin: &str,
    vendor: VendorCli<S, V>,
    args: Vec<std::ffi::OsString>,
) -> Exit {
    let value_flags: Vec<String> = command::common_flags()
        .iter()
        .chain(vendor.flags.iter().map(|flag| &flag.arg))
        .filter(|arg| arg.get_action().takes_values())
        .filter_map(|arg| arg.get_long().map(str::to_owned))
        .collect();
    let detail = Detail::for_args(service, &args, &value_flags);
    let mut command = command(service, bin, &vendor, detail);
    let matches = match parse(&mut command, args) {
        Ok(matches) => matches,
        Err(exit) => return exit,
    };
    if let Some(exit) = crate::program::run_extra(&mut command, bin, &matches) {
        return exit;
    }
    let Some((name, matches)) = matches.subcommand() else {
        return print_failure(&Failure::usage("no operation given"));
    };
    let Some(operation) = service.operation(name) else {
        return print_failure(&Failure::usage(format!("unknown operation `{name}`")));
    };
    let Some(subcommand) = command.find_subcommand(name) else {
        return print_failure(&Failure::usage(format!("unknown operation `{name}`")));
    };
    if let Some(replacement) = operation.deprecated {
        eprintln!("warning: {}", command::deprecation(name, replacement));
    }
    let common = match Common::from_matches(matches) {
        Ok(common) => common,
        Err(failure) => return print_failure(&failure),
    };
    let call = match (operation.build)(&Args::new(matches, operation, subcommand)) {
        Ok(call) => call,
        Err(failure) => return print_failure(&failure),
    };
    if let Err(error) = call.validate() {
        return print_failure(&error.into());
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return print_failure(&Failure::other(format!("cannot start the runtime: {e}"))),
    };
    let _entered = runtime.enter();
    let client = match connect(matches, &common, &vendor.flags) {
        Ok(client) => client,
        Err(error) => return print_failure(&error.into()),
    };
    let plan = Plan {
        dry_run: common.dry_run,
        options: common.options,
        compact: common.rendering.compact_json(),
        all: common.all,
        wait: common.wait,
    };
    let outcome = runtime.block_on(call.run(&client, plan));
    if let Some(progress) = &common.progress {
        progress.finish();
    }
    match outcome {
        Ok(outcome) => print_outcome(&outcome, &operation.secrets, &common.rendering),
        Err(failure) => print_failure(&failure),
    }
}
