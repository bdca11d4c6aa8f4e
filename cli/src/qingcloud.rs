//! QingCloud command-line clients: the `--zone`, `--endpoint` and `--config-file` flags,
//! the client built from them and the library's configuration file, and the entry point
//! that generated `main` functions call.

use std::process::ExitCode;

use clap::{Arg, ArgMatches};
use clouddb_runtime::qingcloud::{self, ClientBuilder, QingCloud};
use clouddb_runtime::Service;

use crate::command::Common;
use crate::run::{self, VendorCli};

/// A call of a QingCloud operation.
pub type Call = crate::Call<QingCloud>;
/// An operation of a QingCloud command-line client.
pub type OperationCli = crate::OperationCli<QingCloud>;
/// A QingCloud command-line client.
pub type ServiceCli = crate::ServiceCli<QingCloud>;

const CREDENTIALS: &str = "Credentials: the configuration file ~/.qingcloud/config.yaml \
(or --config-file): qy_access_key_id, qy_secret_access_key, zone, host, port, protocol.";

/// Runs the command-line client of the service `S` with the process's arguments.
pub fn main<S: Service<Vendor = QingCloud>>(service: &ServiceCli) -> ExitCode {
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
    run::main(
        service,
        VendorCli {
            flags,
            credentials: CREDENTIALS,
            connect: connect::<S>,
        },
    )
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
