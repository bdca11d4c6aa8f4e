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

/// Help of `--zone`.
const ZONE_HELP: &str = "The zone of the resources (default: the configuration file's)";
/// Help of `--endpoint`.
const ENDPOINT_HELP: &str =
    "The API endpoint (default: the configuration file's, else https://api.qingcloud.com)";
/// Help of `--config-file`.
const CONFIG_HELP: &str = "The configuration file to read instead of ~/.qingcloud/config.yaml";

impl CliVendor for QingCloud {
    fn cli<S: Service<Vendor = Self>>() -> VendorCli<S, Self> {
        let flag = VendorFlag::<S, Self>::new;
        VendorCli {
            flags: vec![
                flag("zone", "ZONE", ZONE_HELP, |b, v| b.zone(v)),
                flag("endpoint", "URL", ENDPOINT_HELP, |b, v| b.endpoint(v)),
                flag("config-file", "PATH", CONFIG_HELP, |b, v| b.config_file(v)),
            ],
            credentials: CREDENTIALS,
        }
    }
}
