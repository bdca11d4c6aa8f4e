//! Lowering the root `x-waiters` (how to wait on a resource's state: the operation that
//! shows the resource, the state's pointer, and the acceptors that say what it means) and
//! each operation's `x-waiter` (which waiter follows the work it starts, and where the
//! resource id comes from). The extensions are read into typed structs, so that a
//! misspelled key or a wrong type is reported with its JSON pointer.

use heck::{ToShoutySnakeCase, ToSnakeCase};
use serde::Deserialize;
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::Pointer;
use crate::ir::{Acceptor, Operation, Output, TypeRef, Verdict, Waiter, WaiterId, WaiterRef};

/// A waiter as the spec writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WaiterSpec {
    summary: Option<String>,
    description: Option<String>,
    subject: String,
    operation: String,
    id_parameter: String,
    state: String,
    progress: Option<String>,
    failure_reason: Option<String>,
    #[serde(default)]
    acceptors: Vec<AcceptorSpec>,
    not_found: Option<VerdictSpec>,
    #[serde(default)]
    start_grace: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct AcceptorSpec {
    pointer: String,
    equals: Option<Vec<Scalar>>,
    not_empty: Option<bool>,
    verdict: VerdictSpec,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum VerdictSpec {
    Success,
    Failure,
    Pending,
}

/// A value an acceptor compares with, as its text (`200` and `"200"` are the same).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Text(t) => t.clone(),
            Scalar::Number(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

/// An operation's `x-waiter`: a waiter's name (the id is the operation's parameter that the
/// waiter's operation takes), or the name and a pointer into the answer.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum WaiterRefSpec {
    Name(String),
    Full(WaiterRefFull),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WaiterRefFull {
    waiter: String,
    id_from_answer: Option<String>,
    id_from_parameter: Option<String>,
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

impl Lowerer<'_> {
    /// Reads the root `x-waiters` and every operation's `x-waiter`.
    pub(crate) fn lower_waiters(&mut self, operations: &mut [Operation]) -> Vec<Waiter> {
        let at = Pointer::root().join("x-waiters");
        let mut waiters = Vec::new();
        if let Some(value) = self.doc.raw.get("x-waiters").cloned() {
            let Some(map) = value.as_object() else {
                self.error(&at, "`x-waiters` must map waiter names to waiters");
                return Vec::new();
            };
            for (name, spec) in map {
                let spec_at = at.join(name);
                let Some(spec) = self.typed::<WaiterSpec>(spec, &spec_at) else {
                    continue;
                };
                if let Some(waiter) = self.lower_waiter(name, spec, operations, &spec_at) {
                    waiters.push(waiter);
                }
            }
        }
        for op in operations.iter_mut() {
            let op_at = op.pointer.clone();
            let node = self
                .doc
                .node(&op_at)
                .and_then(|n| n.get("x-waiter"))
                .cloned();
            if let Some(value) = node {
                let ref_at = op_at.join("x-waiter");
                op.waiter = self
                    .typed::<WaiterRefSpec>(&value, &ref_at)
                    .and_then(|spec| self.lower_waiter_ref(op, spec, &waiters, &ref_at));
            }
        }
        waiters
    }

    /// Reads an extension's value into `T`, reporting a mismatch at the exact pointer.
    fn typed<T: for<'de> Deserialize<'de>>(&mut self, value: &Value, at: &Pointer) -> Option<T> {
        match serde_path_to_error::deserialize(value) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                let mut pointer = at.clone();
                for segment in error.path().iter() {
                    pointer = match segment {
                        serde_path_to_error::Segment::Seq { index } => pointer.join(*index),
                        serde_path_to_error::Segment::Map { key } => pointer.join(key),
                        serde_path_to_error::Segment::Enum { variant } => pointer.join(variant),
                        serde_path_to_error::Segment::Unknown => pointer,
                    };
                }
                self.error(&pointer, error.inner().to_string());
                None
            }
        }
    }

    fn lower_waiter(
        &mut self,
        name: &str,
        spec: WaiterSpec,
        operations: &[Operation],
        at: &Pointer,
    ) -> Option<Waiter> {
        let (poll, param, id_is_list, answer) = self.poll_operation(
            operations,
            &spec.operation,
            &spec.id_parameter,
            &at.join("operation"),
            &at.join("id-parameter"),
        )?;
        self.check_answer_pointer(&answer, &spec.state, &at.join("state"));
        for (key, pointer) in [
            ("progress", &spec.progress),
            ("failure-reason", &spec.failure_reason),
        ] {
            if let Some(pointer) = pointer {
                self.check_answer_pointer(&answer, pointer, &at.join(key));
            }
        }
        let mut acceptors = Vec::new();
        for (i, acceptor) in spec.acceptors.into_iter().enumerate() {
            let acceptor_at = at.join("acceptors").join(i);
            self.check_answer_pointer(&answer, &acceptor.pointer, &acceptor_at.join("pointer"));
            let equals = match (acceptor.equals, acceptor.not_empty) {
                (Some(values), None) if !values.is_empty() => {
                    Some(values.iter().map(Scalar::text).collect())
                }
                (None, Some(true)) => None,
                _ => {
                    self.error(
                        &acceptor_at,
                        "an acceptor needs either `equals` (a non-empty list of values) or `not-empty: true`",
                    );
                    continue;
                }
            };
            acceptors.push(Acceptor {
                pointer: acceptor.pointer,
                equals,
                verdict: acceptor.verdict.into(),
            });
        }
        if !acceptors.iter().any(|a| a.verdict == Verdict::Success) && spec.not_found.is_none() {
            self.error(
                &at.join("acceptors"),
                "no acceptor (nor `not-found`) means success, so the wait could never succeed",
            );
        }
        let snake = name.to_snake_case();
        Some(Waiter {
            name: name.to_owned(),
            method_name: format!("wait_until_{snake}"),
            static_name: name.to_shouty_snake_case(),
            subject: spec.subject,
            docs: crate::ir::Docs {
                summary: spec.summary,
                description: spec.description,
                errata: Vec::new(),
            },
            operation: poll.id.clone(),
            poll_method: poll.method_name.clone(),
            tag: poll.tag.clone(),
            id_param: param.name.clone(),
            id_is_list,
            state: spec.state,
            progress: spec.progress,
            failure_reason: spec.failure_reason,
            acceptors,
            not_found: spec.not_found.map(Verdict::from),
            start_grace: spec.start_grace,
        })
    }

    fn lower_waiter_ref(
        &mut self,
        op: &Operation,
        spec: WaiterRefSpec,
        waiters: &[Waiter],
        at: &Pointer,
    ) -> Option<WaiterRef> {
        let (name, from_answer, from_parameter) = match spec {
            WaiterRefSpec::Name(name) => (name, None, None),
            WaiterRefSpec::Full(full) => match (full.id_from_answer, full.id_from_parameter) {
                (Some(pointer), None) => (full.waiter, Some(pointer), None),
                (None, Some(param)) => (full.waiter, None, Some(param)),
                _ => {
                    self.error(
                        at,
                        "name exactly one of `id-from-answer` and `id-from-parameter`",
                    );
                    return None;
                }
            },
        };
        let Some(waiter) = waiters.iter().find(|w| w.name == name) else {
            self.error(
                at,
                format!("`{name}` is not a waiter of the root `x-waiters`"),
            );
            return None;
        };
        if op.job.is_some() {
            self.error(at, "an operation waits either for its job (`x-job`) or with a waiter (`x-waiter`), not both");
            return None;
        }
        let id = match from_answer {
            Some(pointer) => {
                let Output::Single { ty, .. } = &op.output else {
                    self.error(
                        at,
                        "the id comes from the answer, but the operation has no single answer body",
                    );
                    return None;
                };
                let ty = ty.clone();
                self.check_answer_pointer(&ty, &pointer, &at.join("id-from-answer"));
                WaiterId::Answer(pointer)
            }
            None => {
                let poll_wire = from_parameter.unwrap_or_else(|| self.waiter_id_wire(waiter));
                match op
                    .params
                    .iter()
                    .find(|p| p.wire_name == poll_wire && p.required && p.ty == TypeRef::String)
                {
                    Some(param) => WaiterId::Param(param.name.clone()),
                    None => {
                        self.error(
                            at,
                            format!(
                                "`{}` has no required string parameter `{poll_wire}` to take the id from; name one with `id-from-parameter`, or the answer's field with `id-from-answer`",
                                op.id
                            ),
                        );
                        return None;
                    }
                }
            }
        };
        Some(WaiterRef { waiter: name, id })
    }

    /// The wire name of the waiter's id parameter.
    fn waiter_id_wire(&self, waiter: &Waiter) -> String {
        let raw = self
            .doc
            .raw
            .get("x-waiters")
            .and_then(|w| w.get(&waiter.name))
            .and_then(|w| w.get("id-parameter"))
            .and_then(Value::as_str);
        raw.unwrap_or(&waiter.id_param).to_owned()
    }
}
