//! Lowering the root `x-waiters` (how to wait on a resource's state: the operation that
//! shows the resource, the state's pointer, and the acceptors that say what it means) and
//! each operation's `x-waiter` (which waiter follows the work it starts, and where the
//! resource id comes from).

use std::collections::BTreeMap;

use heck::{ToShoutySnakeCase, ToSnakeCase};
use serde_json::Value;

use super::extensions::{Scalar, WaiterRefSpec, WaiterSpec};
use super::lists_and_jobs::AnswerLowerer;
use crate::diagnostics::Pointer;
use crate::ir::{Acceptor, Operation, Output, TypeRef, Verdict, Waiter, WaiterId, WaiterRef};

impl AnswerLowerer<'_, '_> {
    /// Reads the root `x-waiters` and every operation's `x-waiter`.
    pub(crate) fn lower_waiters(&mut self, operations: &mut [Operation]) -> Vec<Waiter> {
        let at = Pointer::root().join("x-waiters");
        let mut waiters = Vec::new();
        // The wire name of each waiter's id parameter, where `x-waiter` looks for the id.
        let mut id_wires = BTreeMap::new();
        let doc = self.spec.doc;
        if let Some(value) = doc.raw.get("x-waiters") {
            // Each waiter is read on its own, so that every bad waiter is reported.
            let map = self
                .spec
                .extension::<serde_json::Map<String, Value>>(&at, value)
                .unwrap_or_default();
            for (name, spec) in &map {
                let spec_at = at.join(name);
                let Some(spec) = self.spec.extension::<WaiterSpec>(&spec_at, spec) else {
                    continue;
                };
                id_wires.insert(name.clone(), spec.id_parameter.clone());
                if let Some(waiter) = self.lower_waiter(name, spec, operations, &spec_at) {
                    waiters.push(waiter);
                }
            }
        }
        for op in operations.iter_mut() {
            let op_at = op.pointer.clone();
            let node = self
                .spec
                .doc
                .node(&op_at)
                .and_then(|n| n.get("x-waiter"))
                .cloned();
            if let Some(value) = node {
                let ref_at = op_at.join("x-waiter");
                op.waiter = self
                    .spec
                    .extension::<WaiterRefSpec>(&ref_at, &value)
                    .and_then(|spec| self.lower_waiter_ref(op, spec, &waiters, &id_wires, &ref_at));
            }
        }
        waiters
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
                    self.spec.error(
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
            self.spec.error(
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
        id_wires: &BTreeMap<String, String>,
        at: &Pointer,
    ) -> Option<WaiterRef> {
        let (name, from_answer, from_parameter) = match spec {
            WaiterRefSpec::Name(name) => (name, None, None),
            WaiterRefSpec::Full(full) => match (full.id_from_answer, full.id_from_parameter) {
                (Some(pointer), None) => (full.waiter, Some(pointer), None),
                (None, Some(param)) => (full.waiter, None, Some(param)),
                _ => {
                    self.spec.error(
                        at,
                        "name exactly one of `id-from-answer` and `id-from-parameter`",
                    );
                    return None;
                }
            },
        };
        let Some(waiter) = waiters.iter().find(|w| w.name == name) else {
            self.spec.error(
                at,
                format!("`{name}` is not a waiter of the root `x-waiters`"),
            );
            return None;
        };
        if op.job.is_some() {
            self.spec.error(at, "an operation waits either for its job (`x-job`) or with a waiter (`x-waiter`), not both");
            return None;
        }
        let id = match from_answer {
            Some(pointer) => {
                let Output::Single { ty, .. } = &op.output else {
                    self.spec.error(
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
                let poll_wire = from_parameter
                    .or_else(|| id_wires.get(&waiter.name).cloned())
                    .unwrap_or_else(|| waiter.id_param.clone());
                match op
                    .params
                    .iter()
                    .find(|p| p.wire_name == poll_wire && p.required && p.ty == TypeRef::String)
                {
                    Some(param) => WaiterId::Param(param.name.clone()),
                    None => {
                        self.spec.error(
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
}
