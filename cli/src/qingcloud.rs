//! QingCloud command-line clients: the `--zone`, `--endpoint` and `--config-file` flags,
//! the client built from them and the library's configuration file, and the [`Program`]
//! that generated CLI crates define.

use clouddb_runtime::qingcloud::QingCloud;
use clouddb_runtime::Service;

use crate::run::{CliVendor, VendorCli, VendorFlag};

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
    fn cli<S: Service<Vendor = Self>>() -> VendorCli<S, Self> {
        vendor::<S>()
    }
}

fn vendor<S: Service<Vendor = QingCloud>>() -> VendorCli<S, QingCloud> {
    let flag = VendorFlag::<S, QingCloud>::new;
    let flags = vec![
        flag(
            "zone",
            "ZONE",
            "The zone of the resources (default: the configuration file's)",
            |builder, zone| builder.zone(zone),
        ),
        flag(
            "endpoint",
            "URL",
            "The API endpoint (default: the configuration file's, else https://api.qingcloud.com)",
            |builder, endpoint| builder.endpoint(endpoint),
        ),
        flag(
            "config-file",
            "PATH",
            "The configuration file to read instead of ~/.qingcloud/config.yaml",
            |builder, path| builder.config_file(path),
        ),
    ];
    VendorCli {
        flags,
        credentials: CREDENTIALS,
    }
}
