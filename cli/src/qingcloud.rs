//! QingCloud command-line clients: the `--zone`, `--endpoint` and `--config-file` flags,
//! the client built from them and the library's configuration file, and the [`Program`]
//! that generated CLI crates define.

use clap::Arg;
use clouddb_runtime::qingcloud::QingCloud;
use clouddb_runtime::Service;

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
        // Each flag given calls its builder setter.
        connect: |matches, common| {
            crate::run::connect::<S, QingCloud>(
                matches,
                common,
                &[
                    ("zone", |builder, zone| builder.zone(zone)),
                    ("config-file", |builder, path| builder.config_file(path)),
                ],
            )
        },
    }
}
