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

impl CliVendor for Huawei {
    fn cli<S: Service<Vendor = Self>>() -> VendorCli<S, Self> {
        vendor::<S>()
    }
}

fn vendor<S: Service<Vendor = Huawei>>() -> VendorCli<S, Huawei> {
    let regions: Vec<&str> = S::INFO
        .endpoints
        .iter()
        .map(|(region, _)| *region)
        .collect();
    let flag = VendorFlag::<S, Huawei>::new;
    let flags = vec![
        flag(
            "region",
            "REGION",
            &format!(
                "The region, whose endpoint comes from the service's table ({})",
                regions.join(", ")
            ),
            |builder, region| builder.region(region),
        ),
        flag(
            "endpoint",
            "URL",
            "An explicit endpoint (https://host[:port]), which wins over the region's",
            |builder, endpoint| builder.endpoint(endpoint),
        ),
        flag(
            "project-id",
            "ID",
            "The project id (default: HUAWEICLOUD_SDK_PROJECT_ID, the credentials file, or IAM)",
            |builder, id| builder.project_id(id),
        ),
        flag(
            "language",
            "LANGUAGE",
            "The X-Language of operations that accept one (en-us or zh-cn)",
            |builder, language| builder.language(language),
        ),
    ];
    VendorCli {
        flags,
        credentials: CREDENTIALS,
    }
}
