//! QingCloud command-line clients: the `--zone`, `--endpoint` and `--config-file` flags,
//! the client built from them and the library's configuration file, and the [`Program`]
//! that generated CLI crates define.

use std::ffi::OsString;
use std::marker::PhantomData;

use clap::{Arg, ArgMatches, Command};
use clouddb_runtime::qingcloud::{self, ClientBuilder, QingCloud};
use clouddb_runtime::Service;

use crate::command::{Common, Detail};
use crate::exit::Exit;
use crate::run::{self, VendorCli};

/// A call of a QingCloud operation.
pub type Call = crate::Call<QingCloud>;
/// An operation of a QingCloud command-line client.
pub type OperationCli = crate::OperationCli<QingCloud>;
/// A QingCloud command-line client.
pub type ServiceCli = crate::ServiceCli<QingCloud>;

const CREDENTIALS: &str = "Credentials: the configuration file ~/.qingcloud/config.yaml \
(or --config-file): qy_access_key_id, qy_secret_access_key, zone, host, port, protocol.";

/// The command-line client of the QingCloud service `S`.
pub struct Program<S> {
    service: &'static ServiceCli,
    client: PhantomData<fn() -> S>,
}

impl<S> Program<S> {
    /// The program of a service's table.
    pub const fn new(service: &'static ServiceCli) -> Self {
        Self {
            service,
            client: PhantomData,
        }
    }
}

impl<S> std::fmt::Debug for Program<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Program").field(&self.service.bin).finish()
    }
}

impl<S: Service<Vendor = QingCloud>> crate::Program for Program<S> {
    fn name(&self) -> &'static str {
        crate::service_name(self.service.bin)
    }

    fn about(&self) -> &'static str {
        self.service.about
    }

    fn command(&self, bin: &str, full: bool) -> Command {
        let detail = if full { Detail::All } else { Detail::Names };
        run::command(self.service, bin, &vendor::<S>(), detail)
    }

    fn run(&self, bin: &str, args: Vec<OsString>) -> Exit {
        run::run(self.service, bin, vendor::<S>(), args)
    }
}

fn vendor<S: Service<Vendor = QingCloud>>() -> VendorCli<QingCloud> {
    let flags = vec![
        Arg::new("zone")
            .long("zone")
            .value_name("ZONE")
            .help("The zone of the resources (default: the configuration file's)"),
        Arg::new("endpoint")
            .long("endpoint")
            .value_name("URL")
            .help(
            "The API endpoint (default: the configuration file's, else https://api.qingcloud.com)",
        ),
        Arg::new("config-file")
            .long("config-file")
            .value_name("PATH")
            .help("The configuration file to read instead of ~/.qingcloud/config.yaml"),
    ];
    VendorCli {
        flags,
        credentials: CREDENTIALS,
        connect: connect::<S>,
    }
}

fn connect<S: Service<Vendor = QingCloud>>(
    matches: &ArgMatches,
    common: &Common,
) -> Result<qingcloud::Client, clouddb_runtime::Error> {
    let mut builder = ClientBuilder::<S>::default();
    let text = |name: &str| matches.get_one::<String>(name);
    if let Some(zone) = text("zone") {
        builder = builder.zone(zone);
    }
    if let Some(endpoint) = text("endpoint") {
        builder = builder.endpoint(endpoint);
    }
    if let Some(path) = text("config-file") {
        builder = builder.config_file(path);
    }
    if let Some(timeout) = common.connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    builder.build().map(|service| service.client().clone())
}
