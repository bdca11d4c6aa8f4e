#!/usr/bin/env python3
"""Compare one OpenAPI spec of `spec/` with the vendor SDK inventory written by extract.py.

    compare.py --inventory INV.json --spec spec/huaweicloud/css.yaml
               [--service css] [--only "POST /v1.0/..." ...]... [--format text|json]
               [--enforced tools/vendor-drift/enforced.txt]

Operations are matched by method and path (Huawei Cloud; path parameter names may differ)
or by action (QingCloud). For each matched pair the parameters (location, wire name, type,
required), the request body (recursively), the success answer's body and the content type
are compared. Differences at or under a spec node carrying `x-sdk-differs: "<reason>"` are
explained; SDK operations listed in the root `x-sdk-only-operations` are explained SDK-only
operations. Everything else is unexplained.

Exit status: 1 when there are unexplained differences and the spec is enforced (always
without --enforced; with --enforced only when the file lists the spec), 2 on a usage
error, 0 otherwise. The rules are documented in README.md next to this file.
"""
import argparse
import json
import os
import re
import sys
from collections import Counter, namedtuple
from urllib.parse import parse_qsl

import yaml

# Inventory key of each spec file, by file name (override with --service).
SERVICES = {
    "css.yaml": "css",
    "dws.yaml": "dws",
    "gaussdb-mysql.yaml": "gaussdb",
    "mysql-plus.yaml": "qingcloud",
}
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SCALARS = {"str": "string", "date": "string", "file": "string", "int": "integer",
           "float": "number", "bool": "boolean"}
JSON = "application/json"

Difference = namedtuple("Difference", "operation pointer what reason")
"""One difference: the operation's label, a JSON pointer into the spec (or ""), what
differs, and the x-sdk-differs reason that explains it (None: unexplained)."""


# ---------------------------------------------------------------------------------------
# Spec access


def escape(token):
    """Escape one JSON pointer token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join(pointer, *tokens):
    """Append tokens to a JSON pointer."""
    return pointer + "".join("/" + escape(t) for t in tokens)


class Spec:
    """An OpenAPI document with $ref resolution that keeps track of JSON pointers."""

    def __init__(self, doc):
        self.doc = doc
        self.broken = {}  # {$ref that does not resolve: pointer of the node holding it}

    def lookup(self, pointer):
        """The node at a JSON pointer of the document."""
        node = self.doc
        for token in pointer.lstrip("/").split("/") if pointer else []:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

    def deref(self, node, pointer, reason):
        """Follow $refs from `node` (at `pointer`): the target, its pointer and the reason
        extended by every x-sdk-differs met on the way."""
        reason = explain(reason, node)
        seen = set()
        while isinstance(node, dict) and "$ref" in node and node["$ref"] not in seen:
            seen.add(node["$ref"])
            try:
                target = self.lookup(node["$ref"][1:])
            except (KeyError, IndexError, ValueError, TypeError):
                self.broken.setdefault(node["$ref"], pointer)
                return {}, pointer, reason
            node, pointer = target, node["$ref"][1:]
            reason = explain(reason, node)
        return node, pointer, reason


def explain(reason, node):
    """The reason in force below `node`: the inherited one, else the node's x-sdk-differs."""
    if reason is None and isinstance(node, dict) and node.get("x-sdk-differs"):
        return str(node["x-sdk-differs"])
    return reason


def squash(name):
    """A name reduced for pairing: lower case, without `_` and `-`."""
    return re.sub(r"[_-]", "", name).lower()


def pair_names(sdk_names, spec_names):
    """Pair SDK names with spec names: equal names first, then names equal once squashed
    (`vpc_permissions` and `vpcPermissions`), where that pairing is unambiguous.
    Returns {sdk name: spec name}."""
    pairs = {n: n for n in sdk_names if n in spec_names}
    left_sdk = [n for n in sdk_names if n not in pairs]
    left_spec = [n for n in spec_names if n not in pairs.values()]
    for name in left_sdk:
        same = [m for m in left_spec if squash(m) == squash(name)]
        if len(same) == 1 and sum(squash(n) == squash(name) for n in left_sdk) == 1:
            pairs[name] = same[0]
    return pairs


def same_name(sdk_param, spec_param):
    """Whether two paired parameters have the same wire name (headers ignore case)."""
    if spec_param["in"] == "header":
        return sdk_param["name"].lower() == spec_param["name"].lower()
    return sdk_param["name"] == spec_param["name"]


def normalise_path(path):
    """A path template with its parameter names removed (`/a/{}/b`)."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def path_names(path):
    """The parameter names of a path template, in order."""
    return re.findall(r"\{([^}]*)\}", path)


def action_of(path):
    """QingCloud: the action and the other constant query pairs of an action-style path."""
    query = dict(parse_qsl(path.partition("?")[2], keep_blank_values=True))
    return query.pop("action", None), query


def content_type_of(value):
    """A content type normalised for comparison (lower case, no blanks)."""
    return re.sub(r"\s+", "", value or "").lower()


def media(content):
    """The media type entry of a content map: application/json if present, else the first."""
    if not content:
        return None, None
    key = JSON if JSON in content else next(iter(content))
    return key, content[key]


# ---------------------------------------------------------------------------------------
# SDK inventory access


def parse_type(sdk_type):
    """Split an SDK type string into (kind, inner): scalar, array, map, free or model."""
    if sdk_type in SCALARS:
        return "scalar", SCALARS[sdk_type]
    match = re.fullmatch(r"list\[(.*)\]", sdk_type)
    if match:
        return "array", match.group(1)
    match = re.fullmatch(r"dict\(\s*str\s*,\s*(.*)\)", sdk_type)
    if match:
        return "map", match.group(1)
    if sdk_type == "object":
        return "free", None
    return "model", sdk_type


def sdk_id(op, counts):
    """The name an SDK operation goes by in reports and x-sdk-only-operations: its method
    name, or `<version>.<name>` when two client versions share the name."""
    return op["name"] if counts[op["name"]] == 1 else "%s.%s" % (op["version"], op["name"])


def sdk_parameters(op):
    """The SDK operation's parameters: dicts with name, in, type, required, auto."""
    auto = set(op.get("auto_path_params", [])) | set(op.get("auto_query_params", []))
    types = op.get("path_param_types", {})
    params = [{"name": n, "in": "path", "type": types.get(n, "str"), "required": True,
               "auto": n in auto} for n in op.get("path_params", [])]
    for location in ("query", "header"):
        for p in op.get(location + "_params", []):
            params.append({"name": p["name"], "in": location, "type": p.get("type"),
                           "required": bool(p.get("required")), "auto": p["name"] in auto})
    for name in op.get("auto_query_params", []):
        if not any(p["name"] == name for p in params):
            params.append({"name": name, "in": "query", "type": "str", "required": False,
                           "auto": True})
    return params


# ---------------------------------------------------------------------------------------
# The comparison


class Comparison:
    """Compares the operations of one spec with one service of the inventory."""

    def __init__(self, spec, service, only=None):
        self.spec = Spec(spec)
        self.service = service
        self.models = service.get("models", {})
        self.action_style = spec.get("x-protocol") == "qingcloud-action"
        self.only = set(only) if only else None
        self.differences = []
        self.counts = Counter()
        self.moved = set()  # pointers of body fields paired with SDK parameters (this operation)

    # -- reporting

    def add(self, label, pointer, what, reason):
        """Record one difference."""
        self.differences.append(Difference(label, pointer, what, reason))

    # -- operations

    def spec_operations(self):
        """(key, method, path, operation, pointer) of every spec operation in scope."""
        for path, item in (self.spec.doc.get("paths") or {}).items():
            for method in METHODS:
                if method in (item or {}):
                    key = "%s %s" % (method.upper(), path)
                    if self.only is None or key in self.only:
                        yield key, method, path, item[method], join("", "paths", path, method)

    def match_key(self, method, path):
        """What a spec or SDK operation is matched by."""
        if self.action_style:
            return action_of(path)[0]
        return method.upper(), normalise_path(path)

    def run(self):
        """Compare every operation in scope; fills self.differences and self.counts."""
        sdk_ops = self.service.get("operations", [])
        names = Counter(op["name"] for op in sdk_ops)
        by_key = {}
        for op in sdk_ops:
            by_key.setdefault(self.match_key(op["method"], op["path"]), []).append(op)
        matched = set()
        for key, method, path, operation, pointer in self.spec_operations():
            label = operation.get("operationId", key)
            candidates = by_key.get(self.match_key(method, path), [])
            reason = explain(None, operation)
            if not candidates:
                self.counts["spec-only"] += 1
                self.add(label, pointer, "operation only in the spec (%s)" % key, reason)
                continue
            self.counts["matched"] += 1
            for op in candidates:
                matched.add(id(op))
                self.compare_operation(
                    "%s (SDK %s)" % (label, sdk_id(op, names)), op, path, operation,
                    pointer, reason)
        self.sdk_only(sdk_ops, names, matched)
        for ref, pointer in self.spec.broken.items():
            self.add("-", pointer, "$ref %s does not resolve (nothing compared under it)" % ref,
                     None)

    def in_scope(self, op):
        """Whether an SDK operation is within --only."""
        if self.only is None:
            return True
        keys = {self.match_key(*k.split(" ", 1)) for k in self.only}
        return self.match_key(op["method"], op["path"]) in keys

    def sdk_only(self, sdk_ops, names, matched):
        """Report the SDK operations no spec operation matched, and stale annotations."""
        listed = {}
        for i, entry in enumerate(self.spec.doc.get("x-sdk-only-operations") or []):
            listed[str(entry.get("operation"))] = (i, entry.get("reason") or "(no reason given)")
        known = set()
        for op in sdk_ops:
            name = sdk_id(op, names)
            known.add(name)
            if id(op) in matched or not self.in_scope(op):
                continue
            self.counts["sdk-only"] += 1
            i, reason = listed.get(name, (None, None))
            pointer = join("", "x-sdk-only-operations", i) if i is not None else ""
            self.add(name, pointer,
                     "operation only in the SDK (%s %s)" % (op["method"], op["path"]), reason)
        if self.only is None:
            for name, (i, _) in listed.items():
                if name not in known:
                    self.add(name, join("", "x-sdk-only-operations", i),
                             "x-sdk-only-operations names an operation the SDK does not have",
                             None)
                elif any(id(op) in matched for op in sdk_ops if sdk_id(op, names) == name):
                    self.add(name, join("", "x-sdk-only-operations", i),
                             "x-sdk-only-operations names an operation the spec has", None)

    def compare_operation(self, label, op, path, operation, pointer, reason):
        """Compare one matched pair of operations."""
        self.moved = set()
        self.compare_parameters(label, op, path, operation, pointer, reason)
        if self.action_style:
            return
        self.compare_content_type(label, op, operation, pointer, reason)
        self.compare_request_body(label, op, operation, pointer, reason)
        self.compare_response(label, op, operation, pointer, reason)

    # -- parameters

    def spec_parameters(self, path, operation, pointer, reason):
        """The spec operation's parameters, resolved: dicts with name, in, required,
        schema, pointer, reason, setting."""
        params = []
        for i, raw in enumerate(operation.get("parameters") or []):
            node, ptr, why = self.spec.deref(raw, join(pointer, "parameters", i), reason)
            schema, schema_ptr = node.get("schema"), join(ptr, "schema")
            if schema is None and node.get("content"):
                key, entry = media(node["content"])
                schema = (entry or {}).get("schema")
                schema_ptr = join(ptr, "content", key, "schema")
            params.append({"name": node.get("name"), "in": node.get("in"),
                           "required": bool(node.get("required")), "schema": schema,
                           "schema_pointer": schema_ptr, "pointer": ptr, "reason": why,
                           "setting": node.get("x-client-setting")})
        if self.action_style:
            for name, value in action_of(path)[1].items():
                params.append({"name": name, "in": "query", "required": True, "schema": None,
                               "pointer": pointer, "reason": reason, "setting": None,
                               "const": value})
        return params

    def compare_parameters(self, label, op, path, operation, pointer, reason):
        """Compare path, query and header parameters (path ones by position)."""
        sdk = sdk_parameters(op)
        spec = self.spec_parameters(path, operation, pointer, reason)
        sdk_path = [p for p in sdk if p["in"] == "path"]
        spec_path = {p["name"]: p for p in spec if p["in"] == "path"}
        for sdk_name, spec_name in zip(path_names(op["path"]), path_names(path)):
            sdk_param = next(p for p in sdk_path if p["name"] == sdk_name)
            spec_param = spec_path.pop(spec_name, None)
            if spec_param is None:
                self.add(label, pointer, "path parameter {%s} is not declared in the spec"
                         % spec_name, reason)
                continue
            if sdk_name != spec_name:
                self.add(label, spec_param["pointer"], "path parameter {%s} is {%s} in the SDK"
                         % (spec_name, sdk_name), spec_param["reason"])
            self.compare_parameter(label, sdk_param, spec_param)
        for p in spec_path.values():
            self.add(label, p["pointer"], "path parameter {%s} is not in the path" % p["name"],
                     p["reason"])
        self.compare_other_parameters(
            label, [p for p in sdk if p["in"] != "path"],
            [p for p in spec if p["in"] != "path"], operation, pointer, reason)

    def compare_other_parameters(self, label, sdk, spec, operation, pointer, reason):
        """Compare query and header parameters, paired by wire name (see pair_names)."""
        pairs = pair_names([p["name"] for p in sdk], [p["name"] for p in spec])
        spec_by_name = {p["name"]: p for p in spec}
        for sdk_param in sdk:
            spec_param = spec_by_name.get(pairs.get(sdk_param["name"]))
            if spec_param is None:
                self.sdk_only_parameter(label, sdk_param, spec, operation, pointer, reason)
                continue
            if spec_param["in"] != sdk_param["in"]:
                self.add(label, spec_param["pointer"],
                         "parameter `%s` is in %s in the spec, in %s in the SDK"
                         % (spec_param["name"], spec_param["in"], sdk_param["in"]),
                         spec_param["reason"])
            elif not same_name(sdk_param, spec_param):
                self.add(label, spec_param["pointer"], "%s parameter `%s` is `%s` in the SDK"
                         % (spec_param["in"], spec_param["name"], sdk_param["name"]),
                         spec_param["reason"])
            self.compare_parameter(label, sdk_param, spec_param)
        paired = set(pairs.values())
        for p in spec:
            if p["name"] in paired:
                continue
            self.add(label, p["pointer"],
                     "%s parameter `%s` only in the spec" % (p["in"], p["name"]), p["reason"])

    def sdk_only_parameter(self, label, sdk_param, spec, operation, pointer, reason):
        """Report an SDK parameter no spec parameter pairs with (unless the client fills
        it, or the spec sends it as a body field)."""
        if sdk_param["auto"] and self.has_setting(spec, sdk_param):
            return
        where = self.body_location(sdk_param["name"], operation, pointer, reason)
        if where:
            self.moved.add(where[0])
            self.add(label, where[0], "%s parameter `%s` is a body field in the spec"
                     % (sdk_param["in"], sdk_param["name"]), where[1])
        else:
            self.add(label, pointer, "%s parameter `%s` (%s%s) only in the SDK"
                     % (sdk_param["in"], sdk_param["name"], sdk_param["type"] or "type not stated",
                        ", required" if sdk_param["required"] else ""), reason)

    @staticmethod
    def has_setting(spec, sdk_param):
        """Whether the spec fills this automatic SDK parameter from the client's settings."""
        return any(p.get("setting") and p["name"] == sdk_param["name"] for p in spec)

    def body_location(self, name, operation, pointer, reason):
        """(pointer, reason) of a top-level request body field named `name`, if any."""
        body = operation.get("requestBody")
        if not body:
            return None
        node, ptr, why = self.spec.deref(body, join(pointer, "requestBody"), reason)
        key, entry = media(node.get("content"))
        if not entry or "schema" not in entry:
            return None
        schema, ptr, why = self.spec.deref(entry["schema"], join(ptr, "content", key, "schema"),
                                           why)
        props = schema.get("properties") or {}
        if name in props:
            return join(ptr, "properties", name), explain(why, props[name])
        return None

    def compare_parameter(self, label, sdk_param, spec_param):
        """Compare the type and required flag of one parameter present on both sides."""
        if spec_param.get("setting") or spec_param.get("const") is not None:
            return
        name = "%s parameter `%s`" % (spec_param["in"], spec_param["name"])
        if sdk_param["required"] != spec_param["required"] and spec_param["in"] != "path":
            self.add(label, spec_param["pointer"], "%s: required in the %s only"
                     % (name, "SDK" if sdk_param["required"] else "spec"), spec_param["reason"])
        if sdk_param["type"] and spec_param["schema"] is not None:
            self.compare_value(label, sdk_param["type"], spec_param["schema"],
                               spec_param["schema_pointer"], spec_param["reason"], name,
                               request=True, seen=frozenset())

    # -- content type and bodies

    def compare_content_type(self, label, op, operation, pointer, reason):
        """Compare the request content type (x-content-type, else the body's media type)."""
        stated = operation.get("x-content-type")
        if stated is None:
            body = operation.get("requestBody")
            key = None
            if body:
                key = media(self.spec.deref(body, "", None)[0].get("content"))[0]
            stated = key if key and content_type_of(key) != JSON else JSON
        sdk = op.get("content_type") or JSON
        if content_type_of(stated) != content_type_of(sdk):
            self.add(label, join(pointer, "x-content-type"),
                     "content type: SDK sends %s, spec %s" % (sdk, stated), reason)

    def compare_request_body(self, label, op, operation, pointer, reason):
        """Compare the request body: presence and schema. (Whether the body itself is
        required is not compared: the SDK's request models make every body optional.)"""
        body = operation.get("requestBody")
        sdk_type = op.get("body_type")
        if not body and not sdk_type:
            return
        if not body:
            self.add(label, pointer, "request body (%s) only in the SDK" % sdk_type, reason)
            return
        node, ptr, why = self.spec.deref(body, join(pointer, "requestBody"), reason)
        if not sdk_type:
            self.add(label, ptr, "request body only in the spec", why)
            return
        key, entry = media(node.get("content"))
        if entry and "schema" in entry:
            self.compare_value(label, sdk_type, entry["schema"],
                               join(ptr, "content", key, "schema"), why, "body", request=True,
                               seen=frozenset())

    def success_response(self, operation, pointer, reason):
        """(media key, schema, pointer, reason) of the lowest 2xx answer, or Nones."""
        codes = sorted((c for c in (operation.get("responses") or {}) if str(c).startswith("2")),
                       key=str)
        if not codes:
            return None, None, pointer, reason
        node, ptr, why = self.spec.deref(operation["responses"][codes[0]],
                                         join(pointer, "responses", codes[0]), reason)
        key, entry = media(node.get("content"))
        if not entry:
            return None, None, ptr, why
        return key, entry.get("schema"), join(ptr, "content", key, "schema"), why

    def compare_response(self, label, op, operation, pointer, reason):
        """Compare the success answer's body (field names and types; no required flags)."""
        if not op.get("response_model"):
            return
        key, schema, ptr, why = self.success_response(operation, pointer, reason)
        if op.get("streaming_response"):
            if key is None or content_type_of(key) == JSON:
                self.add(label, ptr, "answer: the SDK reads a file (stream), the spec %s"
                         % ("has no body" if key is None else "a JSON body"), why)
            return
        sdk_type = op.get("response_body_type")
        fields = self.response_fields(op)
        if sdk_type is None and not fields:
            if schema is not None:
                self.add(label, ptr, "answer body only in the spec", why)
            return
        if schema is None and sdk_type == "object":
            return  # a free-form answer (the SDK's type for "empty or anything") fits no body
        if schema is None:
            names = sdk_type or ", ".join(sorted(f["json_name"] for f in fields.values()))
            self.add(label, ptr, "answer body (%s) only in the SDK" % names, why)
            return
        if sdk_type is not None:
            self.compare_value(label, sdk_type, schema, ptr, why, "answer", request=False,
                               seen=frozenset())
        else:
            node, node_ptr, node_why = self.spec.deref(schema, ptr, why)
            self.compare_fields(label, fields, node, node_ptr, node_why, "answer",
                                request=False, seen=frozenset([op["response_model"]]))

    def response_fields(self, op):
        """The response model's body fields (its response-header fields left out)."""
        headers = {h.lower() for h in op.get("response_headers", [])}
        return {a: f for a, f in self.models.get(op["response_model"], {}).items()
                if f["json_name"].lower() not in headers}

    # -- schemas

    def compare_value(self, label, sdk_type, schema, pointer, reason, name, request, seen):
        """Compare an SDK type with a spec schema, recursively."""
        node, ptr, why = self.spec.deref(schema, pointer, reason)
        kind, inner = parse_type(sdk_type)
        spec_type = node.get("type") or ("object" if "properties" in node else None)
        if kind == "scalar":
            if spec_type != inner:
                self.add(label, ptr, "%s: type %s in the spec, %s (%s) in the SDK"
                         % (name, spec_type or "unset", inner, sdk_type), why)
        elif kind == "free":
            if spec_type not in (None, "object"):
                self.add(label, ptr, "%s: type %s in the spec, free-form object in the SDK"
                         % (name, spec_type), why)
        elif kind == "array":
            if spec_type != "array":
                self.add(label, ptr, "%s: type %s in the spec, array (%s) in the SDK"
                         % (name, spec_type or "unset", sdk_type), why)
            elif "items" in node:
                self.compare_value(label, inner, node["items"], join(ptr, "items"), why,
                                   name + "[]", request, seen)
        elif kind == "map":
            extra = node.get("additionalProperties")
            if spec_type != "object" or not extra or node.get("properties"):
                self.add(label, ptr, "%s: the SDK has a map (%s), the spec %s"
                         % (name, sdk_type, describe(node)), why)
            elif isinstance(extra, dict):
                self.compare_value(label, inner, extra, join(ptr, "additionalProperties"),
                                   why, name + "{}", request, seen)
        elif inner not in self.models:
            self.add(label, ptr, "%s: the SDK type %s is not in the inventory" % (name, sdk_type),
                     why)
        elif spec_type != "object" or (not node.get("properties") and self.models[inner]):
            self.add(label, ptr, "%s: the SDK has model %s, the spec %s"
                     % (name, inner, describe(node)), why)
        elif inner not in seen:
            self.compare_fields(label, self.models[inner], node, ptr, why, name, request,
                                seen | {inner})

    def compare_fields(self, label, fields, node, pointer, reason, name, request, seen):
        """Compare an SDK model's fields with a spec object schema's properties."""
        props = node.get("properties") or {}
        required = set(node.get("required") or [])
        by_json = {f["json_name"]: f for f in fields.values()}
        pairs = pair_names(list(by_json), list(props))
        for json_name, field in by_json.items():
            if json_name not in pairs:
                self.add(label, join(pointer, "properties"), "field `%s.%s` (%s%s) only in the SDK"
                         % (name, json_name, field["type"],
                            ", required" if request and field.get("required") else ""), reason)
                continue
            spec_name = pairs[json_name]
            field_name = "%s.%s" % (name, spec_name)
            prop_ptr = join(pointer, "properties", spec_name)
            target, _, prop_why = self.spec.deref(props[spec_name], prop_ptr, reason)
            if spec_name != json_name:
                self.add(label, prop_ptr, "field `%s` is `%s` in the SDK" % (field_name, json_name),
                         prop_why)
            if request and bool(field.get("required")) != (spec_name in required):
                self.add(label, prop_ptr, "field `%s`: required in the %s only"
                         % (field_name, "SDK" if field.get("required") else "spec"), prop_why)
            if field.get("sensitive") and target.get("format") != "password":
                self.add(label, prop_ptr, "field `%s`: a secret in the SDK, not format: password"
                         % field_name, prop_why)
            self.compare_value(label, field["type"], props[spec_name], prop_ptr, reason,
                               field_name, request, seen)
        paired = set(pairs.values())
        for spec_name, prop in props.items():
            prop_ptr = join(pointer, "properties", spec_name)
            if spec_name not in paired and prop_ptr not in self.moved:
                self.add(label, prop_ptr, "field `%s.%s` only in the spec" % (name, spec_name),
                         explain(reason, prop))


def describe(node):
    """A short description of a spec schema's shape."""
    if node.get("type") == "object" or "properties" in node:
        if node.get("properties"):
            return "an object with properties"
        if node.get("additionalProperties"):
            return "a map"
        return "a free-form object"
    return "type %s" % (node.get("type") or "unset")


# ---------------------------------------------------------------------------------------
# Command line


def is_enforced(spec_path, enforced_file):
    """Whether the spec fails the check: always without an enforcement file, else when the
    file lists it (one path per line, relative to the repository root; # comments)."""
    if enforced_file is None:
        return True
    spec = os.path.abspath(spec_path).replace(os.sep, "/")
    with open(enforced_file) as f:
        for line in f:
            entry = line.split("#", 1)[0].strip()
            if entry and (spec == entry or spec.endswith("/" + entry.lstrip("./"))):
                return True
    return False


def pick_service(inventory, spec_path, name):
    """The inventory section to compare with: --service, else by the spec's file name,
    else the only one."""
    if name is None:
        name = SERVICES.get(os.path.basename(spec_path))
        if name not in inventory and len(inventory) == 1:
            name = next(iter(inventory))
    if name not in inventory:
        raise ValueError("no service %r in the inventory (it has: %s); use --service"
                         % (name, ", ".join(sorted(inventory))))
    return name


def summary(comparison, spec_path, name, enforced):
    """The result as a JSON-ready dict."""
    service = comparison.service
    diffs = comparison.differences
    return {
        "spec": spec_path,
        "service": name,
        "package": service.get("package"),
        "package_version": service.get("package_version"),
        "enforced": enforced,
        "operations": {"matched": comparison.counts["matched"],
                       "sdk_only": comparison.counts["sdk-only"],
                       "spec_only": comparison.counts["spec-only"]},
        "differences": {"explained": sum(d.reason is not None for d in diffs),
                        "unexplained": sum(d.reason is None for d in diffs)},
        "unexplained": [d._asdict() for d in diffs if d.reason is None],
        "explained": [d._asdict() for d in diffs if d.reason is not None],
    }


def text(result):
    """The result as text: counts, then one line per difference."""
    ops, diffs = result["operations"], result["differences"]
    lines = [
        "%s against the SDK's %s (%s %s), %s" % (
            result["spec"], result["service"], result["package"], result["package_version"],
            "enforced" if result["enforced"] else "report-only"),
        "  operations: %d matched, %d SDK-only, %d spec-only" % (
            ops["matched"], ops["sdk_only"], ops["spec_only"]),
        "  differences: %d explained, %d unexplained" % (diffs["explained"], diffs["unexplained"]),
    ]
    for d in result["unexplained"]:
        lines.append("  UNEXPLAINED %s %s: %s" % (d["operation"], d["pointer"] or "-", d["what"]))
    for d in result["explained"]:
        lines.append("  explained   %s %s: %s (x-sdk-differs: %s)"
                     % (d["operation"], d["pointer"] or "-", d["what"], d["reason"]))
    return "\n".join(lines)


def main(argv=None):
    """Parse the arguments, compare, print, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inventory", required=True, help="inventory JSON written by extract.py")
    parser.add_argument("--spec", required=True, help="the OpenAPI document")
    parser.add_argument("--service", help="inventory section (default: from the spec's file name)")
    parser.add_argument("--only", action="extend", nargs="+", metavar="'METHOD /path'",
                        help="compare only these operations (repeatable)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--enforced", metavar="FILE",
                        help="fail only when FILE lists the spec (default: always fail on "
                             "unexplained differences)")
    args = parser.parse_args(argv)
    with open(args.inventory) as f:
        inventory = json.load(f)
    with open(args.spec) as f:
        spec = yaml.safe_load(f)
    try:
        name = pick_service(inventory, args.spec, args.service)
    except ValueError as error:
        parser.error(str(error))
    comparison = Comparison(spec, inventory[name], args.only)
    comparison.run()
    enforced = is_enforced(args.spec, args.enforced)
    result = summary(comparison, args.spec, name, enforced)
    if args.format == "json":
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        print(text(result))
    return 1 if enforced and result["differences"]["unexplained"] else 0


if __name__ == "__main__":
    sys.exit(main())
