//! Lowering `x-pagination` (how a list operation pages), `x-job` (which answer field holds
//! the id of the job an operation started) and the root `x-job-poller` (how to ask about a
//! job). These read the already lowered operations and types, so every name they mention
//! is checked against what the generated code will have.

use serde_json::Value;

use super::extensions::{JobPollerSpec, PageStyleSpec, PaginationSpec};
use super::spec::Spec;
use super::types::Types;
use crate::diagnostics::Pointer;
use crate::ir::{
    Field, JobPoller, JobRef, MarkerSource, Operation, Output, PageParam, PageStyle, Pagination,
    ResponseField, TypeRef,
};

/// The steps that read answers after the operations are lowered: pagination, jobs and
/// waiters name fields of answers, which are checked against the lowered types.
pub(crate) struct AnswerLowerer<'s, 'a> {
    pub(crate) spec: &'s mut Spec<'a>,
    pub(crate) types: &'s Types,
}

impl AnswerLowerer<'_, '_> {
    /// Reads `x-pagination` and `x-job` of every operation.
    pub(crate) fn lower_lists_and_jobs(&mut self, operations: &mut [Operation]) {
        for op in operations.iter_mut() {
            let at = op.pointer.clone();
            let node = self.spec.doc.node(&at).cloned().unwrap_or(Value::Null);
            if let Some(value) = node.get("x-pagination") {
                let at = at.join("x-pagination");
                op.pagination = self
                    .spec
                    .extension::<PaginationSpec>(&at, value)
                    .and_then(|spec| self.lower_pagination(op, spec, &at));
            }
            if let Some(value) = node.get("x-job") {
                let at = at.join("x-job");
                op.job = self
                    .spec
                    .extension::<String>(&at, value)
                    .and_then(|field: String| self.lower_job_ref(op, &field, &at));
            }
        }
    }

    /// The operation a job poller or a waiter polls, checked: it exists, takes the id in
    /// `id_param` (a string, or a list of strings that gets a list of one) and nothing else
    /// required, and has one answer body. Returns it, the id parameter, whether that is a
    /// list, and the answer's type.
    pub(crate) fn poll_operation<'o>(
        &mut self,
        operations: &'o [Operation],
        operation: &str,
        id_param: &str,
        operation_at: &Pointer,
        id_at: &Pointer,
    ) -> Option<(&'o Operation, &'o crate::ir::Param, bool, TypeRef)> {
        let Some(poll) = operations.iter().find(|op| op.id == operation) else {
            self.spec.error(
                operation_at,
                format!("`{operation}` is not an operationId of this spec"),
            );
            return None;
        };
        let Some(param) = poll.params.iter().find(|p| p.wire_name == id_param) else {
            self.spec.error(
                id_at,
                format!("`{operation}` has no parameter `{id_param}`"),
            );
            return None;
        };
        let id_is_list = match &param.ty {
            TypeRef::String => false,
            TypeRef::Array(item) if **item == TypeRef::String => true,
            _ => {
                self.spec.error(
                    id_at,
                    format!("`{id_param}` must be a string or a list of strings to take an id"),
                );
                return None;
            }
        };
        if let Some(other) = poll
            .params
            .iter()
            .find(|p| p.required && p.wire_name != id_param)
        {
            self.spec.error(
                operation_at,
                format!(
                    "`{operation}` needs `{}` besides the id, so it cannot be polled with an id alone",
                    other.wire_name
                ),
            );
            return None;
        }
        let Output::Single { ty, .. } = &poll.output else {
            self.spec.error(
                operation_at,
                format!("`{operation}` must have one success answer body to be polled"),
            );
            return None;
        };
        Some((poll, param, id_is_list, ty.clone()))
    }

    /// Reads the root `x-job-poller`.
    pub(crate) fn lower_job_poller(&mut self, operations: &[Operation]) -> Option<JobPoller> {
        let at = Pointer::root().join("x-job-poller");
        let value = self.spec.doc.raw.get("x-job-poller")?;
        let spec = self.spec.extension::<JobPollerSpec>(&at, value)?;
        let (poller, param, id_is_list, answer) = self.poll_operation(
            operations,
            &spec.operation,
            &spec.job_id_parameter,
            &at.join("operation"),
            &at.join("job-id-parameter"),
        )?;
        self.check_answer_pointer(&answer, &spec.status, &at.join("status"));
        for (key, pointer) in [
            ("progress", &spec.progress),
            ("failure-reason", &spec.failure_reason),
        ] {
            if let Some(pointer) = pointer {
                self.check_answer_pointer(&answer, pointer, &at.join(key));
            }
        }
        for (key, list) in [("succeeded", &spec.succeeded), ("failed", &spec.failed)] {
            if list.is_empty() {
                self.spec.error(
                    &at.join(key),
                    format!("`{key}` must be a non-empty list of statuses"),
                );
                return None;
            }
        }
        let JobPollerSpec {
            status,
            succeeded,
            failed,
            progress,
            failure_reason,
            ..
        } = spec;
        if let Some(both) = succeeded.iter().find(|s| failed.contains(s)) {
            self.spec.error(
                &at.join("failed"),
                format!("`{both}` cannot mean both success and failure"),
            );
        }
        if let Some(many) = operations
            .iter()
            .find(|op| op.job.as_ref().is_some_and(|j| j.many))
        {
            let at = many.pointer.join("x-job");
            self.spec.error(
                &at,
                "waiting for a list of jobs is not supported; `x-job` must name one job id",
            );
        }
        Some(JobPoller {
            operation: poller.id.clone(),
            method_name: poller.method_name.clone(),
            id_param: param.name.clone(),
            id_is_list,
            status,
            succeeded,
            failed,
            progress,
            failure_reason,
        })
    }

    fn lower_pagination(
        &mut self,
        op: &Operation,
        spec: PaginationSpec,
        at: &Pointer,
    ) -> Option<Pagination> {
        let style = match spec.style {
            PageStyleSpec::Offset => match spec.first {
                None => PageStyle::Offset { first: 0 },
                Some(first @ (0 | 1)) => PageStyle::Offset { first },
                Some(_) => {
                    self.spec.error(
                        &at.join("first"),
                        "`first` (the offset of the first item) must be 0 or 1",
                    );
                    return None;
                }
            },
            PageStyleSpec::Page => PageStyle::Page {
                first: spec.first_page.unwrap_or(1),
            },
            PageStyleSpec::Marker => PageStyle::Marker,
        };
        if spec.first.is_some() && !matches!(style, PageStyle::Offset { .. }) {
            self.spec
                .error(&at.join("first"), "`first` is only for `style: offset`");
        }
        if spec.first_page.is_some() && !matches!(style, PageStyle::Page { .. }) {
            self.spec.error(
                &at.join("first-page"),
                "`first-page` is only for `style: page`",
            );
        }
        let cursor_name = spec.cursor;
        let cursor = self.page_param(op, &cursor_name, &at.join("cursor"))?;
        let counts = matches!(cursor.ty, TypeRef::String | TypeRef::I32 | TypeRef::I64);
        if !counts {
            self.spec.error(
                &at.join("cursor"),
                format!("the cursor `{cursor_name}` must be a string or an integer"),
            );
        }
        let limit = match &spec.limit {
            Some(name) => Some(self.page_param(op, name, &at.join("limit"))?),
            None => None,
        };
        let Output::Single {
            ty: TypeRef::Named(answer),
            ..
        } = &op.output
        else {
            self.spec.error(
                at,
                "a paged list needs one success answer body that is an object",
            );
            return None;
        };
        let answer = answer.clone();
        let items_name = spec.items;
        let items_field = self.struct_field(&answer, &items_name, &at.join("items"))?;
        let TypeRef::Array(item_ty) = self.types.resolve_alias(&items_field.ty) else {
            self.spec.error(
                &at.join("items"),
                format!("the answer's `{items_name}` is not a list"),
            );
            return None;
        };
        let item_ty = *item_ty;
        let items = response_field(&items_field);
        let total = match &spec.total {
            Some(name) => {
                let field = self.struct_field(&answer, name, &at.join("total"))?;
                if !matches!(field.ty, TypeRef::String | TypeRef::I32 | TypeRef::I64) {
                    self.spec.error(
                        &at.join("total"),
                        format!("the answer's `{name}` must be an integer to be a total"),
                    );
                }
                Some(response_field(&field))
            }
            None => None,
        };
        let next_marker = match (&spec.next_marker, &spec.next_marker_from_last_item) {
            (Some(_), Some(_)) => {
                self.spec.error(
                    at,
                    "give `next-marker` or `next-marker-from-last-item`, not both",
                );
                return None;
            }
            (Some(name), None) => {
                let field = self.struct_field(&answer, name, &at.join("next-marker"))?;
                self.check_marker_type(&field, &at.join("next-marker"));
                Some(MarkerSource::Response(response_field(&field)))
            }
            (None, Some(name)) => {
                let at = at.join("next-marker-from-last-item");
                let TypeRef::Named(item) = &item_ty else {
                    self.spec.error(
                        &at,
                        "the items are not objects, so they have no marker field",
                    );
                    return None;
                };
                let item = item.clone();
                let field = self.struct_field(&item, name, &at)?;
                self.check_marker_type(&field, &at);
                Some(MarkerSource::LastItem(response_field(&field)))
            }
            (None, None) => None,
        };
        match (style, &next_marker) {
            (PageStyle::Marker, None) => {
                self.spec.error(
                    at,
                    "`style: marker` needs `next-marker` or `next-marker-from-last-item`",
                );
                return None;
            }
            (PageStyle::Offset { .. } | PageStyle::Page { .. }, Some(_)) => {
                self.spec
                    .error(at, "a next marker is only for `style: marker`");
            }
            _ => {}
        }
        Some(Pagination {
            style,
            cursor,
            limit,
            items,
            item_ty,
            total,
            next_marker,
        })
    }

    fn check_marker_type(&mut self, field: &Field, at: &Pointer) {
        if !matches!(field.ty, TypeRef::String | TypeRef::I32 | TypeRef::I64) {
            self.spec.error(
                at,
                format!(
                    "the marker `{}` must be a string or an integer",
                    field.wire_name
                ),
            );
        }
    }

    /// A parameter (`name`) or request body field (`body.name`) of `op`, by wire name.
    fn page_param(&mut self, op: &Operation, name: &str, at: &Pointer) -> Option<PageParam> {
        if let Some(field_name) = name.strip_prefix("body.") {
            let Some(body) = &op.body else {
                self.spec.error(
                    at,
                    format!("`{name}` names a body field, but there is no body"),
                );
                return None;
            };
            if !body.required {
                self.spec.error(
                    at,
                    format!("`{name}` is a field of an optional body; make the body required"),
                );
                return None;
            }
            let TypeRef::Named(body_type) = &body.ty else {
                self.spec.error(at, "the request body is not an object");
                return None;
            };
            let body_type = body_type.clone();
            let field = self.struct_field(&body_type, field_name, at)?;
            return Some(PageParam {
                name: field.name.clone(),
                in_body: true,
                ty: field.ty.clone(),
                required: field.required,
            });
        }
        match op.params.iter().find(|p| p.wire_name == name) {
            Some(param) => Some(PageParam {
                name: param.name.clone(),
                in_body: false,
                ty: param.ty.clone(),
                required: param.required,
            }),
            None => {
                self.spec.error(
                    at,
                    format!(
                        "`{}` has no parameter `{name}` (a body field is `body.<name>`)",
                        op.id
                    ),
                );
                None
            }
        }
    }

    /// `x-job` names the answer's field that holds the id of the job the operation started.
    fn lower_job_ref(&mut self, op: &Operation, name: &str, at: &Pointer) -> Option<JobRef> {
        let Output::Single {
            ty: TypeRef::Named(answer),
            ..
        } = &op.output
        else {
            self.spec.error(
                at,
                "an operation that starts a job needs one success answer body that is an object",
            );
            return None;
        };
        let answer = answer.clone();
        let field = self.struct_field(&answer, name, at)?;
        let many = match &field.ty {
            TypeRef::String => false,
            TypeRef::Array(item) if **item == TypeRef::String => true,
            _ => {
                self.spec.error(
                    at,
                    format!("the answer's `{name}` must be a string or a list of strings"),
                );
                return None;
            }
        };
        Some(JobRef {
            field: field.name.clone(),
            wire_name: field.wire_name.clone(),
            required: field.required,
            many,
        })
    }

    /// Checks that a JSON pointer into an answer of type `ty` reaches a field.
    pub(crate) fn check_answer_pointer(&mut self, ty: &TypeRef, pointer: &str, at: &Pointer) {
        let Some(parsed) =
            Pointer::parse(&format!("#{pointer}")).filter(|_| pointer.starts_with('/'))
        else {
            self.spec.error(
                at,
                format!("`{pointer}` is not a JSON pointer (`/job/status`)"),
            );
            return;
        };
        let mut current = ty.clone();
        for segment in parsed.segments() {
            current = match self.types.resolve_alias(&current) {
                TypeRef::Array(item) if segment.parse::<usize>().is_ok() => *item,
                TypeRef::Named(name) => match self.types.struct_fields(&name) {
                    Some(fields) => match fields.iter().find(|f| &f.wire_name == segment) {
                        Some(field) => field.ty.clone(),
                        None => {
                            self.spec.error(
                                at,
                                format!("`{pointer}`: `{name}` has no field `{segment}`"),
                            );
                            return;
                        }
                    },
                    None => {
                        self.spec
                            .error(at, format!("`{pointer}`: `{name}` is not an object"));
                        return;
                    }
                },
                TypeRef::Json => return,
                _ => {
                    self.spec.error(
                        at,
                        format!("`{pointer}` goes into a value that has no `{segment}`"),
                    );
                    return;
                }
            };
        }
    }

    /// The field of struct `type_name` with wire name `wire`, or an error at `at`.
    pub(crate) fn struct_field(
        &mut self,
        type_name: &str,
        wire: &str,
        at: &Pointer,
    ) -> Option<Field> {
        let found = match self.types.struct_fields(type_name) {
            Some(fields) => fields.iter().find(|f| f.wire_name == wire).cloned(),
            None => {
                self.spec
                    .error(at, format!("`{type_name}` is not an object"));
                return None;
            }
        };
        if found.is_none() {
            self.spec
                .error(at, format!("`{type_name}` has no field `{wire}`"));
        }
        found
    }
}

fn response_field(field: &Field) -> ResponseField {
    ResponseField {
        name: field.name.clone(),
        wire_name: field.wire_name.clone(),
        required: field.required,
    }
}
