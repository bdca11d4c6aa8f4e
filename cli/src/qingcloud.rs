//! QingCloud command-line clients: the `--zone`, `--endpoint` and `--config-file` flags,
//! the client built from them and the library's configuration file, and the [`Program`]
//! that generated CLI crates define.

use clap::{Arg, ArgMatches};
use clouddb_runtime::qingcloud::{self, ClientBuilder, QingCloud};
use clouddb_runtime::Service;

use crate::command::Common;
use crate::run::{CliVendor, VendorCli};

/// A call of a QingCloud operation.
pub type Call = crate::Call<QingCloud>;
/// An operation of a QingCloud command-line client.
pub type OperationCli = crate::OperationCli<QingCloud>;
/// A QingCloud command-line client.
pub type ServiceCli = crate::ServiceCli<QingCloud>;

const CREDENTIALS: &str = "Credentials: the configuration file ~/.qingcloud/config.yaml \
(or --config-file): qy_access_key_id, qy_secret_access_key, zone, host, port, protocol.";

/// The command-line client of the QingCloud service `S`.
pub type Program<S> = crate::ServiceProgram<S>;

impl CliVendor for QingCloud {
    fn cli<S: Service<Vendor = Self>>() -> VendorCli<Self> {
        vendor::<S>()
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
