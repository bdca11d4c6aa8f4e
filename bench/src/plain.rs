//! The baseline data types: plain `serde` structs with the same fields and field types as
//! the generated GaussDB types, without leniency. A string enum of the generated crate is
//! a `String` here (the plain way to keep values the code does not know).

use serde::{Deserialize, Serialize};

/// The plain twin of the generated `ListInstancesResponse`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ListInstancesResponse {
    /// The instances.
    pub instances: Option<Vec<Instance>>,
    /// Total number of matching instances.
    pub total_count: Option<i32>,
}

/// The plain twin of the generated `MysqlInstanceListInfoUnifyStatus`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct Instance {
    pub id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub private_ips: Option<Vec<String>>,
    pub proxy_ips: Option<Vec<String>>,
    pub readonly_private_ips: Option<Vec<String>>,
    pub public_ips: Option<Vec<String>>,
    pub port: Option<String>,
    pub r#type: Option<String>,
    pub region: Option<String>,
    pub datastore: Option<Datastore>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub db_user_name: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub security_group_id: Option<String>,
    pub flavor_ref: Option<String>,
    pub flavor_info: Option<FlavorInfo>,
    pub volume: Option<VolumeInfo>,
    pub backup_strategy: Option<BackupStrategyDetail>,
    pub enterprise_project_id: Option<String>,
    pub time_zone: Option<String>,
    pub charge_info: Option<ChargeInfoDetail>,
    pub dedicated_resource_id: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

/// The plain twin of `MysqlDatastoreWithKernelVersion`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct Datastore {
    pub r#type: Option<String>,
    pub version: Option<String>,
    pub kernel_version: Option<String>,
}

/// The plain twin of `MysqlFlavorInfo`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct FlavorInfo {
    pub vcpus: Option<String>,
    pub ram: Option<String>,
}

/// The plain twin of `MysqlVolumeInfo`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct VolumeInfo {
    pub r#type: Option<String>,
    pub size: Option<String>,
}

/// The plain twin of `MysqlBackupStrategyDetail`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct BackupStrategyDetail {
    pub start_time: Option<String>,
    pub keep_days: Option<String>,
}

/// The plain twin of `MysqlChargeInfoDetail`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct ChargeInfoDetail {
    pub charge_mode: Option<String>,
    pub period_type: Option<String>,
    pub period_num: Option<i32>,
    pub is_auto_renew: Option<String>,
    pub is_auto_pay: Option<String>,
}

/// The plain twin of `InstanceTagItem`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// The plain twin of the generated `CreateInstanceRequest`, serialized the same way
/// (fields in the same order, absent options left out).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct CreateInstanceRequest {
    pub region: String,
    pub name: String,
    pub datastore: DatastoreInReq,
    pub mode: String,
    pub flavor_ref: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub password: String,
    pub availability_zone_mode: String,
    pub slave_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_info: Option<ChargeInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_strategy: Option<BackupStrategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_availability_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<Volume>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<RequestTag>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_case_table_names: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dedicated_resource_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_point: Option<RestorePoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tde_info: Option<TdeInfo>,
}

/// The plain twin of `MysqlDatastoreInReq`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct DatastoreInReq {
    pub r#type: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel_version: Option<String>,
}

/// The plain twin of `MysqlChargeInfo`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct ChargeInfo {
    pub charge_mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_num: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_auto_renew: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_auto_pay: Option<String>,
}

/// The plain twin of `MysqlBackupStrategy`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct BackupStrategy {
    pub start_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_days: Option<String>,
}

/// The plain twin of `MysqlVolume`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct Volume {
    pub size: String,
}

/// The plain twin of `MysqlTags`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct RequestTag {
    pub key: String,
    pub value: String,
}

/// The plain twin of `MysqlRestorePoint`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct RestorePoint {
    pub source_instance_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
}

/// The plain twin of `MysqlTdeInfo`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct TdeInfo {
    pub enable_tde: bool,
    pub encryption_type: String,
}
