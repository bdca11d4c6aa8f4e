//! The spec's `x-` extensions as typed structs, and the one function that reads them. Serde
//! checks the shape (keys, types, allowed values), so a misspelled key or a wrong type is
//! reported at the JSON pointer of the bad value; the checks serde cannot express (that a
//! named operation, parameter or field exists) stay with the lowering step that uses the
//! extension.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::spec::{Extensions, Spec};
use crate::diagnostics::Pointer;
use crate::ir::{Protocol, Setting, Verdict};

impl Spec<'_> {
    /// Reads the extension at `at` into `T`. A mismatch is reported at `at` joined with the
    /// path to the bad value inside the extension, and gives `None`.
    pub(crate) fn extension<T: DeserializeOwned>(
        &mut self,
        at: &Pointer,
        value: &Value,
    ) -> Option<T> {
        match serde_path_to_error::deserialize(value) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                let pointer = error.path().iter().fold(at.clone(), |pointer, segment| {
                    use serde_path_to_error::Segment;
                    match segment {
                        Segment::Seq { index } => pointer.join(*index),
                        Segment::Map { key } => pointer.join(key),
                        Segment::Enum { variant } => pointer.join(variant),
                        Segment::Unknown => pointer,
                    }
                });
                // Serde speaks of Rust enums; a spec author reads "value".
                let reason =
                    error
                        .inner()
                        .to_string()
                        .replacen("unknown variant", "unknown value", 1);
                self.error(&pointer, reason);
                None
            }
        }
    }

    /// Reads extension `key` of the node at `at`, if the node has it.
    pub(crate) fn extension_in<T: DeserializeOwned>(
        &mut self,
        extensions: &Extensions,
        key: &str,
        at: &Pointer,
    ) -> Option<T> {
        let value = extensions.get(key)?;
        self.extension(&at.join(key), value)
    }
}

/// The root `x-protocol`: how the service is called.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum ProtocolSpec {
    #[serde(rename = "huaweicloud-rest")]
    HuaweiRest,
    #[serde(rename = "qingcloud-action")]
    QingCloudAction,
}

impl From<ProtocolSpec> for Protocol {
    fn from(spec: ProtocolSpec) -> Self {
        match spec {
            ProtocolSpec::HuaweiRest => Protocol::HuaweiRest,
            ProtocolSpec::QingCloudAction => Protocol::QingCloudAction,
        }
    }
}

/// One entry of the root `x-error-codes`: a code the service answers with, its documented
/// HTTP status and message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorCodeSpec {
    pub(crate) code: String,
    pub(crate) status: u16,
    pub(crate) message: String,
}

/// A security scheme's `x-signing`: the algorithm that signs requests. The generated
/// client picks the signer from the scheme's name, so the value is only checked.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum SigningSpec {
    #[serde(rename = "SDK-HMAC-SHA256")]
    SdkHmacSha256,
    #[serde(rename = "SDK-HMAC-SM3")]
    SdkHmacSm3,
    #[serde(rename = "V11-HMAC-SHA256")]
    V11HmacSha256,
    #[serde(rename = "qingcloud-signature-v1")]
    QingCloudSignatureV1,
}

/// `x-doc-erratum`: where the vendor's documentation is wrong, one note or several.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "`x-doc-erratum` must be a string or a list of strings"
)]
pub(crate) enum ErrataSpec {
    One(String),
    Many(Vec<String>),
}

impl From<ErrataSpec> for Vec<String> {
    fn from(spec: ErrataSpec) -> Self {
        match spec {
            ErrataSpec::One(text) => vec![text],
            ErrataSpec::Many(texts) => texts,
        }
    }
}

/// A parameter's `x-client-setting`: the client configuration that fills it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SettingSpec {
    ProjectId,
    Language,
    Zone,
}

impl From<SettingSpec> for Setting {
    fn from(spec: SettingSpec) -> Self {
        match spec {
            SettingSpec::ProjectId => Setting::ProjectId,
            SettingSpec::Language => Setting::Language,
            SettingSpec::Zone => Setting::Zone,
        }
    }
}

/// A query parameter's `x-style`: how an array goes into an action-style query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum StyleSpec {
    /// `name.1=a&name.2=b`.
    DotIndexed,
}

/// An operation's `x-pagination`: how a list operation pages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct PaginationSpec {
    pub(crate) style: PageStyleSpec,
    /// The offset of the first item (`style: offset`), 0 or 1.
    pub(crate) first: Option<u64>,
    /// The number of the first page (`style: page`).
    pub(crate) first_page: Option<u64>,
    /// The parameter (or `body.<field>`) that moves through the list.
    pub(crate) cursor: String,
    /// The parameter (or `body.<field>`) that sets the page size.
    pub(crate) limit: Option<String>,
    /// The answer's field holding the page's items.
    pub(crate) items: String,
    /// The answer's field holding the total number of items.
    pub(crate) total: Option<String>,
    /// The answer's field holding the next marker (`style: marker`).
    pub(crate) next_marker: Option<String>,
    /// The field of the last item that is the next marker (`style: marker`).
    pub(crate) next_marker_from_last_item: Option<String>,
}

/// `x-pagination`'s `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum PageStyleSpec {
    Offset,
    Page,
    Marker,
}

/// The root `x-job-poller`: how to ask about a job the service started.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct JobPollerSpec {
    pub(crate) operation: String,
    pub(crate) job_id_parameter: String,
    /// JSON pointer to the job's status in the poll's answer.
    pub(crate) status: String,
    pub(crate) succeeded: Vec<String>,
    pub(crate) failed: Vec<String>,
    pub(crate) progress: Option<String>,
    pub(crate) failure_reason: Option<String>,
}

/// A waiter of the root `x-waiters`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct WaiterSpec {
    pub(crate) summary: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) subject: String,
    pub(crate) operation: String,
    pub(crate) id_parameter: String,
    pub(crate) state: String,
    pub(crate) progress: Option<String>,
    pub(crate) failure_reason: Option<String>,
    #[serde(default)]
    pub(crate) acceptors: Vec<AcceptorSpec>,
    pub(crate) not_found: Option<VerdictSpec>,
    #[serde(default)]
    pub(crate) start_grace: u64,
}

/// One acceptor of a waiter: what a value at `pointer` means.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct AcceptorSpec {
    pub(crate) pointer: String,
    pub(crate) equals: Option<Vec<Scalar>>,
    pub(crate) not_empty: Option<bool>,
    pub(crate) verdict: VerdictSpec,
}

/// What an acceptor's match means for the wait.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum VerdictSpec {
    Success,
    Failure,
    Pending,
}

impl From<VerdictSpec> for Verdict {
    fn from(v: VerdictSpec) -> Self {
        match v {
            VerdictSpec::Success => Verdict::Success,
            VerdictSpec::Failure => Verdict::Failure,
            VerdictSpec::Pending => Verdict::Pending,
        }
    }
}

/// A value an acceptor compares with, as its text (`200` and `"200"` are the same).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Scalar {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

impl Scalar {
    pub(crate) fn text(&self) -> String {
        match self {
            Scalar::Text(t) => t.clone(),
            Scalar::Number(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

/// An operation's `x-waiter`: a waiter's name (the id is the operation's parameter that the
/// waiter's operation takes), or the name and where the id comes from.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum WaiterRefSpec {
    Name(String),
    Full(WaiterRefFull),
}

/// The long form of `x-waiter`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct WaiterRefFull {
    pub(crate) waiter: String,
    pub(crate) id_from_answer: Option<String>,
    pub(crate) id_from_parameter: Option<String>,
}
