//! The intermediate representation between a spec and the emitted Rust: plain owned data in
//! a deterministic order, holding final Rust names. Lowering builds it from the OpenAPI
//! document; emitters read only this. Every type serialises (the IR snapshot tests write
//! lowered fixtures as JSON), leaving out empty documentation and checks.

use serde::Serialize;
use serde_json::Value;

use crate::diagnostics::Pointer;

/// One service: one spec file, one generated crate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// Spec file relative to the workspace root (`spec/huaweicloud/css.yaml`).
    pub spec_file: String,
    /// Package name of the generated crate (`huaweicloud-css`).
    pub crate_name: String,
    /// Library name of the generated crate (`huaweicloud_css`).
    pub lib_name: String,
    /// Title of the API.
    pub title: String,
    /// Description of the API, if any.
    pub description: Option<String>,
    /// Version of the source document.
    pub version: String,
    /// How requests travel.
    pub protocol: Protocol,
    /// Host used when neither a region nor an endpoint is configured.
    pub default_host: String,
    /// Region id → host, sorted by region id.
    pub endpoints: Vec<(String, String)>,
    /// Client settings lifted out of the operations.
    pub settings: ClientSettings,
    /// Tags, in the order of the root `tags` list.
    pub tags: Vec<Tag>,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by method name.
    pub operations: Vec<Operation>,
    /// Every example of the spec, with the type it must decode into, sorted by pointer.
    pub examples: Vec<Example>,
    /// The documented error codes (`x-error-codes`), sorted by code.
    pub error_codes: Vec<ErrorCodeDef>,
    /// How the service reports on asynchronous jobs (`x-job-poller`), if it documents it.
    pub job_poller: Option<JobPoller>,
    /// Groups of identical schemas generated as one type (the others are aliases of it).
    pub merged_types: Vec<crate::lower::merge::MergedGroup>,
    /// Waiters on a resource's state (`x-waiters`), by name.
    pub waiters: Vec<Waiter>,
}

/// A waiter on a resource's state, from the spec's root `x-waiters`: the operation that
/// shows the resource, and what its answer means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiter {
    /// The spec's name of the waiter (`ClusterAvailable`).
    pub name: String,
    /// The client method (`wait_until_cluster_available`).
    pub method_name: String,
    /// The name of its static description in `client.rs` (`CLUSTER_AVAILABLE`).
    pub static_name: String,
    /// What is waited on, in messages (`cluster`).
    pub subject: String,
    /// Documentation.
    pub docs: Docs,
    /// The operationId of the operation polled.
    pub operation: String,
    /// Its method name.
    pub poll_method: String,
    /// Its tag (the waiter exists when the tag's feature is on).
    pub tag: String,
    /// The Rust name of its parameter that takes the resource id.
    pub id_param: String,
    /// Whether that parameter is a list (it gets a list of one).
    pub id_is_list: bool,
    /// JSON pointer of the state reported.
    pub state: String,
    /// JSON pointer of the progress, if any.
    pub progress: Option<String>,
    /// JSON pointer of the failure reason, if any.
    pub failure_reason: Option<String>,
    /// The rules, in order.
    pub acceptors: Vec<Acceptor>,
    /// What a resource that is not found (HTTP 404) means, if anything.
    pub not_found: Option<Verdict>,
    /// Seconds after the start of the work during which success needs the work to have
    /// been seen in progress first.
    pub start_grace: u64,
}

/// One rule of a waiter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acceptor {
    /// JSON pointer into the polled answer.
    pub pointer: String,
    /// The values that match (as text), or `None` for "present and not empty".
    pub equals: Option<Vec<String>>,
    /// What a match means.
    pub verdict: Verdict,
}

/// What a state means for a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// Done, and it succeeded.
    Success,
    /// Done, and it failed.
    Failure,
    /// Still going.
    Pending,
}

/// How an operation that leads into a waiter gets the resource id to wait on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiterRef {
    /// The waiter's name.
    pub waiter: String,
    /// Where the id comes from.
    pub id: WaiterId,
}

/// Where a waited-on resource's id comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum WaiterId {
    /// The operation's own (required, string) parameter of this Rust name.
    Param(String),
    /// The answer, at this JSON pointer.
    Answer(String),
}

impl Service {
    /// The named types that requests reach: parameter and body types, and every type reachable
    /// from them through struct fields and aliases.
    pub fn request_types(&self) -> std::collections::BTreeSet<String> {
        let mut pending: Vec<String> = self
            .operations
            .iter()
            .flat_map(|op| {
                op.params
                    .iter()
                    .map(|p| &p.ty)
                    .chain(op.body.as_ref().map(|b| &b.ty))
            })
            .filter_map(|ty| ty.named().map(str::to_owned))
            .collect();
        let mut reached = std::collections::BTreeSet::new();
        while let Some(name) = pending.pop() {
            if !reached.insert(name.clone()) {
                continue;
            }
            let Some(def) = self.types.iter().find(|t| t.name == name) else {
                continue;
            };
            match &def.kind {
                TypeKind::Struct(fields) => pending.extend(
                    fields
                        .iter()
                        .filter_map(|f| f.ty.named().map(str::to_owned)),
                ),
                TypeKind::Alias(ty) => pending.extend(ty.named().map(str::to_owned)),
                TypeKind::Enum(_) => {}
            }
        }
        reached
    }
}

/// The operation that tells how an asynchronous job is doing, and how to read its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobPoller {
    /// The operationId of the job-information operation (`ShowJob`).
    pub operation: String,
    /// Its method name (`show_job`).
    pub method_name: String,
    /// Rust name of its parameter that takes the job id.
    pub id_param: String,
    /// Whether that parameter is a list (QingCloud's `jobs`), given the one id.
    pub id_is_list: bool,
    /// JSON pointer of the job's status in the poller's answer.
    pub status: String,
    /// Statuses meaning the job finished well.
    pub succeeded: Vec<String>,
    /// Statuses meaning the job failed.
    pub failed: Vec<String>,
    /// JSON pointer of the job's progress, if the answer has one.
    pub progress: Option<String>,
    /// JSON pointer of the failure reason, if the answer has one.
    pub failure_reason: Option<String>,
}

/// How a paged list operation pages (`x-pagination`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pagination {
    /// What the cursor counts.
    pub style: PageStyle,
    /// The parameter (or body field) that carries the cursor.
    pub cursor: PageParam,
    /// The parameter (or body field) that carries the page size, if any.
    pub limit: Option<PageParam>,
    /// The answer's field holding the page's items.
    pub items: ResponseField,
    /// Type of one item.
    pub item_ty: TypeRef,
    /// The answer's field holding the total number of items, if any.
    pub total: Option<ResponseField>,
    /// Marker style: where the next page's marker comes from.
    pub next_marker: Option<MarkerSource>,
}

/// What a page cursor counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PageStyle {
    /// The offset of the page's first item, the list's first item being at `first` (0, or 1
    /// where the service counts positions from 1).
    Offset {
        /// Offset of the list's first item.
        first: u64,
    },
    /// Page number, the first page being `first`.
    Page {
        /// Number of the first page (usually 1).
        first: u64,
    },
    /// An opaque marker taken from the previous page.
    Marker,
}

/// A parameter or body field that pagination sets or reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageParam {
    /// Rust name of the parameter, or of the field of the request body.
    pub name: String,
    /// Whether it is a field of the request body rather than a parameter.
    pub in_body: bool,
    /// Its type (without `Option`).
    pub ty: TypeRef,
    /// Whether it is required (not an `Option`).
    pub required: bool,
}

/// A field of an answer (or of an item) that pagination reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseField {
    /// Rust name of the field.
    pub name: String,
    /// Name of the field on the wire.
    pub wire_name: String,
    /// Whether it is required (not an `Option`).
    pub required: bool,
}

/// Where the marker of the next page comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MarkerSource {
    /// A field of the answer.
    Response(ResponseField),
    /// A field of the page's last item.
    LastItem(ResponseField),
}

/// The field of an operation's answer that holds the id of the job it started (`x-job`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRef {
    /// Rust name of the field.
    pub field: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Whether it is required (not an `Option`).
    pub required: bool,
    /// Whether it holds a list of job ids rather than one.
    pub many: bool,
}

/// A documented error code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ErrorCodeDef {
    /// The code (`DBS.280234`).
    pub code: String,
    /// Its documented HTTP status.
    pub status: u16,
    /// Its English message.
    pub message: String,
}

/// The wire protocol of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Protocol {
    /// Huawei Cloud REST: path, query and JSON body, signed with AK/SK or a token.
    HuaweiRest,
    /// QingCloud action style: every parameter in a signed query string.
    QingCloudAction,
}

/// Which common parameters the client fills from its configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClientSettings {
    /// The Huawei `{project_id}` path segment.
    pub project_id: bool,
    /// The Huawei `X-Language` header, with its allowed values.
    pub language: Option<Vec<String>>,
    /// The QingCloud `zone` parameter.
    pub zone: bool,
}

/// A tag (one chapter of the source document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// Tag name as in the spec.
    pub name: String,
    /// Description of the tag.
    pub description: Option<String>,
}

/// Documentation carried from the spec to rustdoc.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Docs {
    /// One-line summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Notes on where the source document is wrong and what the spec chose.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errata: Vec<String>,
}

/// A named Rust type generated from a schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// JSON pointer of the schema.
    pub pointer: Pointer,
    /// Documentation.
    pub docs: Docs,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// Whether the type has client-side checks (itself or through its fields).
    pub validated: bool,
    /// Whether only answers reach the type (no request parameter or body does): such
    /// structs are `#[non_exhaustive]`, so that a field added later is compatible.
    pub answer_only: bool,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Vec<Field>),
    /// A string enum that keeps unknown values.
    Enum(Vec<Variant>),
    /// Another name for a type (a named array or map schema).
    Alias(TypeRef),
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Rust name (may be a raw identifier).
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Other names the document shows for the field (`x-aliases`), accepted when decoding.
    pub aliases: Vec<String>,
    /// Documentation.
    pub docs: Docs,
    /// Type, without the `Option` of an optional field.
    pub ty: TypeRef,
    /// Whether the field must be present.
    pub required: bool,
    /// Whether the value is a secret (redacted from `Debug`).
    pub secret: bool,
    /// Client-side checks of the value.
    #[serde(skip_serializing_if = "Checks::is_empty")]
    pub checks: Checks,
}

/// A variant of a string enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// Rust name.
    pub name: String,
    /// Value on the wire.
    pub value: String,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TypeRef {
    /// A string.
    String,
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    /// A floating-point number.
    F64,
    /// A boolean.
    Bool,
    /// Free-form JSON.
    Json,
    /// A file's bytes: the whole answer of an operation whose answer is a file
    /// (`application/octet-stream`).
    Bytes,
    /// A file to upload: a field of a `multipart/form-data` body (`format: binary`).
    File,
    /// A named generated type.
    Named(String),
    /// A list.
    Array(Box<TypeRef>),
    /// A map from string keys.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// Whether a field of this type uses the lenient decoder: everything but free-form JSON,
    /// which takes any value as it is.
    pub fn needs_lenient_decoder(&self) -> bool {
        !matches!(self, TypeRef::Json)
    }

    /// The named type this reference reaches, if any.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

/// Client-side checks of a value, from the schema's constraint keywords.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Checks {
    /// Inclusive lower bound of a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Inclusive upper bound of a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Whether `minimum` is exclusive.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_minimum: bool,
    /// Whether `maximum` is exclusive.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_maximum: bool,
    /// Minimum length of a string, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// Maximum length of a string, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Regular expression a string must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Minimum number of items of a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<usize>,
    /// Maximum number of items of a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
    /// The allowed values of an integer (an integer `enum`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<i64>>,
    /// A number the value must be a multiple of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<f64>,
    /// The documented format of the value in words (`x-format`), named by the errors of
    /// the other checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Checks of each item of a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Checks>>,
}

impl Checks {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Checks::default()
    }
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
}

impl HttpMethod {
    /// The method as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }

    /// Whether the method is idempotent by HTTP semantics.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }
}

/// One API operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// The spec's `operationId` (PascalCase), also the prefix of its type names.
    pub id: String,
    /// Rust method and module name (`restart_cluster`).
    pub method_name: String,
    /// Name of the input struct.
    pub input_name: String,
    /// Name of the builder.
    pub builder_name: String,
    /// JSON pointer of the operation.
    pub pointer: Pointer,
    /// Documentation.
    pub docs: Docs,
    /// Section of the source document.
    pub doc_section: Option<String>,
    /// IAM action needed to call it.
    pub iam_action: Option<String>,
    /// Tag (chapter) of the operation.
    pub tag: String,
    /// Deprecation.
    pub deprecated: bool,
    /// Method name of the operation that replaces this deprecated one (`x-replaced-by`).
    pub replaced_by: Option<String>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Wire path template (`/v3/{project_id}/jobs`; `/iaas/` for QingCloud).
    pub path: String,
    /// Query pairs sent unchanged by every call (QingCloud `action=` and friends).
    pub fixed_query: Vec<(String, String)>,
    /// Whether sending twice is the same as sending once.
    pub idempotent: bool,
    /// Parameters the caller sets, in spec order.
    pub params: Vec<Param>,
    /// Parameters the client fills from its configuration.
    pub setting_params: Vec<SettingParam>,
    /// JSON request body.
    pub body: Option<Body>,
    /// What a success answer decodes into.
    pub output: Output,
    /// Documented error statuses.
    pub error_statuses: Vec<u16>,
    /// Request examples (parameter values and body sharing one example name).
    pub request_examples: Vec<RequestExample>,
    /// Example of an error answer, if the spec has one.
    pub error_example: Option<Value>,
    /// How the list pages, for paged list operations.
    pub pagination: Option<Pagination>,
    /// The answer's job id, for operations that start an asynchronous job.
    pub job: Option<JobRef>,
    /// The sources the operation was transcribed from (`x-sources`: `page`, `api-explorer`,
    /// `sdk`, ...), for the coverage table.
    pub sources: Vec<String>,
    /// The waiter its work can be followed with (`x-waiter`), if any.
    pub waiter: Option<WaiterRef>,
    /// The `Content-Type` its requests carry (`application/json` unless the spec's
    /// `x-content-type` says otherwise, lower-cased as the vendor SDKs send it).
    pub content_type: String,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// How a parameter's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamStyle {
    /// The value's text (lists as repeated keys for Huawei).
    Plain,
    /// QingCloud list: `name.1=…&name.2=…`.
    DotIndexed,
    /// Compact JSON text.
    Json,
}

/// A parameter the caller sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// Rust name.
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Location.
    pub location: ParamLocation,
    /// Encoding.
    pub style: ParamStyle,
    /// Type.
    pub ty: TypeRef,
    /// Whether it must be set.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
    /// Client-side checks.
    #[serde(skip_serializing_if = "Checks::is_empty")]
    pub checks: Checks,
    /// Whether the value is a secret.
    pub secret: bool,
}

/// A parameter filled from client configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingParam {
    /// Which setting.
    pub setting: Setting,
    /// Name on the wire.
    pub wire_name: String,
    /// Location.
    pub location: ParamLocation,
}

/// The client settings a parameter can be lifted into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Setting {
    /// Huawei project id.
    ProjectId,
    /// Huawei `X-Language`.
    Language,
    /// QingCloud zone.
    Zone,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// Type of the body.
    pub ty: TypeRef,
    /// Whether the body must be sent.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
    /// Whether it is sent as `multipart/form-data` (a file upload) rather than JSON.
    pub multipart: bool,
}

/// What an operation returns on success.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Output {
    /// No body (or none documented).
    Empty {
        /// The documented success status.
        status: u16,
    },
    /// One body type for every documented success status.
    Single {
        /// The documented success statuses.
        statuses: Vec<u16>,
        /// Body type.
        ty: TypeRef,
    },
    /// Different bodies per status: an enum named `<Op>Output`.
    PerStatus {
        /// Name of the enum.
        name: String,
        /// Status, variant name and body type (`None`: no body).
        variants: Vec<(u16, String, Option<TypeRef>)>,
    },
}

/// One request example: values for parameters and body sharing an example name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestExample {
    /// Example name.
    pub name: String,
    /// Rust parameter name → example value.
    pub params: Vec<(String, Value)>,
    /// Body example.
    pub body: Option<Value>,
    /// The success answer to give: status and body.
    pub response: Option<(u16, Option<Value>)>,
}

/// An example of the spec, with the type it decodes into.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    /// JSON pointer of the example's `value`.
    pub pointer: Pointer,
    /// Type the example decodes into.
    pub ty: TypeRef,
}

/// A spec location serialises as its text (`#/paths/~1v3~1jobs/get`).
impl Serialize for Pointer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
