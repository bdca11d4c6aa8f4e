//! Huawei Cloud command-line clients: the `--region`, `--endpoint`, `--project-id` and
//! `--language` flags, the client built from them and the library's credential chain, and
//! the [`Program`] that generated CLI crates define.

use clouddb_runtime::huawei::Huawei;
use clouddb_runtime::Service;

use crate::run::{CliVendor, VendorCli, VendorFlag};

/// A call of a Huawei Cloud operation.
pub type Call = crate::Call<Huawei>;
/// An operation of a Huawei Cloud command-line client.
pub type OperationCli = crate::OperationCli<Huawei>;
/// A Huawei Cloud command-line client.
pub type ServiceCli = crate::ServiceCli<Huawei>;

const CREDENTIALS: &str =
    "Credentials: the environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK \
(with HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys, and HUAWEICLOUD_SDK_PROJECT_ID), \
else the file ~/.huaweicloud/credentials (or the one HUAWEICLOUD_SDK_CREDENTIALS_FILE names). \
Without a project id, the region's project is looked up in IAM.";

/// The command-line client of the Huawei Cloud service `S`.
pub type Program<S> = crate::ServiceProgram<S>;

/// Help of `--endpoint`.
const ENDPOINT_HELP: &str =
    "An explicit endpoint (https://host[:port]), which wins over the region's";
/// Help of `--project-id`.
const PROJECT_ID_HELP: &str =
    "The project id (default: HUAWEICLOUD_SDK_PROJECT_ID, the credentials file, or IAM)";
/// Help of `--language`.
const LANGUAGE_HELP: &str = "The X-Language of operations that accept one (en-us or zh-cn)";

impl CliVendor for Huawei {
    fn cli<S: Service<Vendor = Self>>() -> VendorCli<S, Self> {
        let regions: Vec<&str> = S::INFO.endpoints.iter().map(|(id, _)| *id).collect();
        let region_help = format!(
            "The region, whose endpoint comes from the service's table ({})",
            regions.join(", ")
        );
        let flag = VendorFlag::<S, Self>::new;
        VendorCli {
            flags: vec![
                flag("region", "REGION", &region_help, |b, v| b.region(v)),
                flag("endpoint", "URL", ENDPOINT_HELP, |b, v| b.endpoint(v)),
                flag("project-id", "ID", PROJECT_ID_HELP, |b, v| b.project_id(v)),
                flag("language", "LANGUAGE", LANGUAGE_HELP, |b, v| b.language(v)),
            ],
            credentials: CREDENTIALS,
        }
    }
}
