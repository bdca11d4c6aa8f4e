#!/usr/bin/env python3
"""Write the inventory of the installed vendor SDKs as JSON (the input of compare.py).

    extract.py --output INV.json [--only css|dws|gaussdb|qingcloud ...]

Huawei Cloud (huaweicloudsdkcss v1+v2, huaweicloudsdkdws v2, huaweicloudsdkgaussdb v3):
each client operation's `_<name>_http_info(request)` is called with a request whose
attributes are sentinels, which gives the method, path, path/query/header parameters (each
mapped back to its request attribute), body and content type. The models'
`openapi_types`, `attribute_map` and `sensitive_list` give the fields; a field is required
when the model's `__init__` assigns it outside an `if <name> is not None:`. Form fields and
parameters read from attributes the request model lacks are found in the http_info source.

QingCloud (qingcloud-sdk): the action methods of `qingcloud/iaas/actions/cluster.py` and
the job actions of `qingcloud/iaas/connection.py` are read from their source (action,
parameter names, required by signature or by `check_params`, integer and list
parameters), as operations `GET /iaas/?action=<Action>` with `zone` filled by the client.

The JSON has one key per service (css, dws, gaussdb, qingcloud), each with package,
package_version, versions, operations and models.
"""
import argparse
import ast
import importlib
import inspect
import json
import pkgutil
import re
import sys
import textwrap
from importlib import metadata

HUAWEI = {
    "css": ("huaweicloudsdkcss", "CssClient"),
    "dws": ("huaweicloudsdkdws", "DwsClient"),
    "gaussdb": ("huaweicloudsdkgaussdb", "GaussDBClient"),
}
QINGCLOUD_SOURCES = (
    ("qingcloud.iaas.actions.cluster", "ClusterAction", None),
    ("qingcloud.iaas.connection", "APIConnection", "JOB"),
)
OAS_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean",
             "date": "string", "datetime": "string", "file": "string", "object": "object"}
FORMATS = {"date": "date", "datetime": "date-time", "file": "binary"}
DEPRECATED = "废弃"  # "deprecated" in the vendor's zh-CN descriptions
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# ---------------------------------------------------------------------------------------
# Huawei Cloud: models


def is_model(sdk_type):
    """Whether an SDK type name is a model (not a builtin type, `list` or `dict`)."""
    return sdk_type not in OAS_TYPES and sdk_type not in ("list", "dict")


def rename_type(sdk_type, rename):
    """An SDK type string with every model name replaced by its inventory name."""
    return NAME.sub(lambda m: rename(m.group(0)) if is_model(m.group(0)) else m.group(0), sdk_type)


def type_info(sdk_type, rename):
    """The oas_type, ref, items, additional_properties and format keys of an SDK type."""
    match = re.fullmatch(r"list\[(.*)\]", sdk_type)
    if match:
        return {"oas_type": "array", "items": type_info(match.group(1), rename)}
    match = re.fullmatch(r"dict\(str, (.*)\)", sdk_type)
    if match:
        return {"oas_type": "object", "additional_properties": type_info(match.group(1), rename)}
    if is_model(sdk_type):
        return {"oas_type": "object", "ref": rename(sdk_type)}
    info = {"oas_type": OAS_TYPES[sdk_type]}
    if sdk_type in FORMATS:
        info["format"] = FORMATS[sdk_type]
    return info


def parse_method(function):
    """The ast.FunctionDef of a method, parsed from its source."""
    return ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]


def required_attributes(cls):
    """Attributes the model's `__init__` assigns unconditionally (`self.x = x` at the top
    level of its body); optional ones are assigned under `if x is not None:`."""
    required = set()
    for statement in parse_method(cls.__init__).body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == "self" and target.attr in cls.openapi_types):
                    required.add(target.attr)
    return required


def description(cls, attr):
    """The vendor's description of a field: its property getter's docstring between the
    "Gets the ..." line and `:return:` (None when there is none)."""
    doc = inspect.getdoc(getattr(cls, attr, None)) or ""
    text = doc.partition("\n")[2].split(":return:")[0].strip()
    return text or None


def model_fields(cls, rename):
    """The inventory entry of one model: {attribute: field}."""
    required = required_attributes(cls)
    sensitive = set(getattr(cls, "sensitive_list", []))
    fields = {}
    for attr, sdk_type in sorted(cls.openapi_types.items()):
        field = {"json_name": cls.attribute_map[attr], "type": rename_type(sdk_type, rename),
                 "required": attr in required}
        field.update(type_info(sdk_type, rename))
        text = description(cls, attr)
        if text:
            field["description"] = text
            if DEPRECATED in text:
                field["deprecated_hint"] = True
        if attr in sensitive:
            field["sensitive"] = True
        fields[attr] = dict(sorted(field.items()))
    return fields


def model_classes(module):
    """{name: class} of the models a client version exports."""
    return {name: cls for name, cls in vars(module).items()
            if inspect.isclass(cls) and hasattr(cls, "openapi_types")}


def model_shape(name, classes, seen=()):
    """A comparable shape of a model, with the shapes of the models it refers to."""
    cls = classes[name]
    if name in seen:
        return name
    nested = sorted((n, model_shape(n, classes, seen + (name,)))
                    for sdk_type in cls.openapi_types.values()
                    for n in NAME.findall(sdk_type) if n in classes)
    return sorted(cls.openapi_types.items()), sorted(cls.attribute_map.items()), nested


def version_renames(classes_by_version):
    """{version: {model: inventory name}}: a model whose shape differs from the model of
    the same name in an earlier version is named `<Model>@<version>`."""
    first, renames = {}, {}
    for version, classes in classes_by_version:
        renames[version] = {}
        for name in classes:
            shape = model_shape(name, classes)
            if name in first and first[name] != shape:
                renames[version][name] = "%s@%s" % (name, version)
            first.setdefault(name, shape)
    return renames


# ---------------------------------------------------------------------------------------
# Huawei Cloud: operations


class Sentinel(str):
    """A request attribute value that remembers the attribute it was read from."""

    def __new__(cls, attr):
        value = super().__new__(cls, "<%s>" % attr)
        value.attr = attr
        return value


def sentinel_request(cls):
    """A request model instance whose every attribute is a Sentinel."""
    request = cls()
    for attr in cls.openapi_types:
        setattr(request, attr, Sentinel(attr))
    return request


def call_http_info(client, name, request):
    """Call `_<name>_http_info(request)`; returns the http_info and the content types the
    operation declares (the list it hands to `select_header_content_type`)."""
    from huaweicloudsdkcore.utils import http_utils
    declared = []
    original = http_utils.select_header_content_type

    def record(content_types):
        declared.extend(content_types)
        return original(content_types)

    http_utils.select_header_content_type = record
    try:
        info = getattr(client, "_%s_http_info" % name)(request)
    finally:
        http_utils.select_header_content_type = original
    return info, declared


def request_class(client, name, module):
    """The request model class of an operation, named in the public method's docstring."""
    match = re.search(r":type request: :class:`[\w.]+\.(\w+)`", getattr(client, name).__doc__ or "")
    return getattr(module, match.group(1))


def source_facts(client, name, request_cls):
    """From the http_info source: notes on parameters read from attributes the request
    model lacks (never sent), and the form fields ({wire name: body attribute})."""
    source = inspect.getsource(getattr(client, "_%s_http_info" % name))
    kinds = {"query_params": "query", "path_params": "path", "header_params": "header",
             "form_params": "form"}
    notes = []
    pattern = r"if '(\w+)' in local_var_params:\s*\n\s*(\w+)(?:\['([^']+)'\]|\.append\(\('([^']+)')"
    for attr, target, key, appended in re.findall(pattern, source):
        if attr not in request_cls.attribute_map and target != "form_params":
            notes.append("http_info reads %s param '%s' from attribute '%s' which the request "
                         "model %s does not define (dead code, never sent)"
                         % (kinds.get(target, target), key or appended, attr, request_cls.__name__))
    forms = re.findall(r"form_params\['([^']+)'\] = local_var_params\['(\w+)'\]", source)
    return notes, forms


def header_parameter(value, wire, types, required):
    """The inventory entry of a header parameter read back from its Sentinel."""
    return {"attr": value.attr, "name": wire, "required": value.attr in required,
            "type": types[value.attr]}


def query_parameter(value, wire, types, required, formats):
    """The inventory entry of a query parameter read back from its Sentinel (with the
    SDK's collection format for lists, such as `csv`)."""
    entry = header_parameter(value, wire, types, required)
    entry["oas_type"] = type_info(types[value.attr], str)["oas_type"]
    if value.attr in formats:
        entry["collection_format"] = formats[value.attr]
    return dict(sorted(entry.items()))


def huawei_operation(client, name, version, module, rename):
    """The inventory entry of one Huawei Cloud operation."""
    from huaweicloudsdkcore.sdk_stream_response import SdkStreamResponse
    request_cls = request_class(client, name, module)
    info, declared = call_http_info(client, name, sentinel_request(request_cls))
    types, required = request_cls.openapi_types, required_attributes(request_cls)
    notes, forms = source_facts(client, name, request_cls)
    body_type = types.get("body")
    form_types = getattr(module, body_type).openapi_types if forms else {}
    response_cls = getattr(module, info["response_type"])
    response_body = response_cls.openapi_types.get("body")
    path_names = re.findall(r"\{([^}]*)\}", info["resource_path"])
    operation = {
        "auto_path_params": [p for p in path_names if p not in info["path_params"]],
        "body_model": rename(body_type) if body_type and is_model(body_type) else None,
        "body_type": rename_type(body_type, rename) if body_type else None,
        "client": client.__name__,
        "content_type": declared[0] if declared else "application/json",
        "form_params": [{"attr": attr, "name": wire, "type": form_types[attr],
                         "oas_type": type_info(form_types[attr], str)["oas_type"]}
                        for wire, attr in forms],
        "header_params": [header_parameter(v, w, types, required)
                          for w, v in info["header_params"].items() if isinstance(v, Sentinel)],
        "method": info["method"],
        "name": name,
        "path": info["resource_path"],
        "path_param_types": {w: types[v.attr] for w, v in info["path_params"].items()},
        "path_params": path_names,
        "query_params": [query_parameter(v, w, types, required, info["collection_formats"])
                         for w, v in info["query_params"]],
        "request_model": rename(request_cls.__name__),
        "response_body_type": rename_type(response_body, rename) if response_body else None,
        "response_headers": list(info.get("response_headers") or []),
        "response_model": rename(info["response_type"]),
        "streaming_response": issubclass(response_cls, SdkStreamResponse),
        "summary": (getattr(client, name).__doc__ or "").strip().splitlines()[0].strip(),
        "version": version,
    }
    if notes:
        operation["sdk_notes"] = notes
    return dict(sorted(operation.items()))


def extract_huawei(package, client_name):
    """The inventory section of one Huawei Cloud SDK package (all its client versions)."""
    root = importlib.import_module(package)
    versions = sorted(i.name for i in pkgutil.iter_modules(root.__path__)
                      if re.fullmatch(r"v\d+", i.name))
    modules = {v: importlib.import_module("%s.%s" % (package, v)) for v in versions}
    renames = version_renames([(v, model_classes(modules[v])) for v in versions])
    operations, models = [], {}
    for version in versions:
        module, names = modules[version], renames[version]

        def rename(model, names=names):
            return names.get(model, model)

        for name, cls in model_classes(module).items():
            models.setdefault(rename(name), model_fields(cls, rename))
        client = getattr(module, client_name)
        for attr in sorted(vars(client)):
            match = re.fullmatch(r"_(\w+)_http_info", attr)
            if match:
                operations.append(huawei_operation(client, match.group(1), version, module, rename))
    operations.sort(key=lambda op: (op["version"], op["name"]))
    return {"models": dict(sorted(models.items())), "operations": operations,
            "package": package, "package_version": metadata.version(package),
            "versions": versions}


# ---------------------------------------------------------------------------------------
# QingCloud


def strings(node):
    """The string constants of a list or tuple literal (else none)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e.value for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def assigned(function, name):
    """The values assigned to the local `name` in a method."""
    return [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)]


def action_constant(function):
    """The `const.ACTION_...` attribute assigned to `action` in a method, if any."""
    for value in assigned(function, "action"):
        if isinstance(value, ast.Attribute):
            return value.attr
    return None


def sent_keys(function):
    """The names a method sends: `valid_keys = [...]`, the list given to
    `filter_out_none(locals(), [...])`, or the keys of a `body = {...}` literal."""
    for value in assigned(function, "valid_keys"):
        return strings(value)
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "filter_out_none":
            return strings(node.args[1])
    for value in assigned(function, "body"):
        if isinstance(value, ast.Dict):
            return [k.value for k in value.keys if isinstance(k, ast.Constant)]
    return None


def checked(function):
    """{keyword: [names]} of the method's `check_params(...)` call."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "check_params":
            return {k.arg: strings(k.value) for k in node.keywords}
    return {}


def qingcloud_type(name, checks, default):
    """The type the SDK gives a parameter (check_params lists, else the default's type);
    None where the SDK does not say."""
    if name in checks.get("list_params", []):
        return "list[str]"
    if name in checks.get("integer_params", []):
        return "int"
    if name in checks.get("datetime_params", []):
        return "date"
    if isinstance(default, ast.Constant) and type(default.value) in (int, bool):
        return type(default.value).__name__
    return None


def qingcloud_operation(function, client, actions):
    """The inventory entry of one QingCloud action method."""
    args = [a.arg for a in function.args.args[1:]]
    defaults = dict(zip(reversed(args), reversed(function.args.defaults)))
    checks = checked(function)
    query = []
    for name in sent_keys(function) or args:
        sdk_type = qingcloud_type(name, checks, defaults.get(name))
        query.append({"attr": name, "name": name,
                      "oas_type": type_info(sdk_type, str)["oas_type"] if sdk_type else None,
                      "required": (name in args and name not in defaults)
                      or name in checks.get("required_params", []),
                      "type": sdk_type})
    doc = (ast.get_docstring(function) or "").strip()
    return {
        "auto_path_params": [], "auto_query_params": ["zone"], "body_model": None,
        "body_type": None, "client": client, "content_type": None, "form_params": [],
        "header_params": [], "method": "GET", "name": function.name,
        "path": "/iaas/?action=%s" % actions[action_constant(function)],
        "path_param_types": {}, "path_params": [], "query_params": query,
        "request_model": None, "response_body_type": None, "response_headers": [],
        "response_model": None, "streaming_response": False,
        "summary": doc.splitlines()[0] if doc else "", "version": "",
    }


def extract_qingcloud():
    """The inventory section of qingcloud-sdk: cluster actions and job actions."""
    from qingcloud.iaas import constants
    actions = {k: v for k, v in vars(constants).items() if k.startswith("ACTION_")}
    operations = []
    for module_name, class_name, constant_filter in QINGCLOUD_SOURCES:
        tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
        cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
        for function in cls.body:
            if not isinstance(function, ast.FunctionDef):
                continue
            constant = action_constant(function)
            if constant and (constant_filter is None or constant_filter in constant):
                operations.append(qingcloud_operation(function, class_name, actions))
    operations.sort(key=lambda op: op["name"])
    return {"models": {}, "operations": operations, "package": "qingcloud-sdk",
            "package_version": metadata.version("qingcloud-sdk"), "versions": []}


# ---------------------------------------------------------------------------------------
# Command line


def extract(service):
    """The inventory section of one service."""
    if service == "qingcloud":
        return extract_qingcloud()
    return extract_huawei(*HUAWEI[service])


def main(argv=None):
    """Extract the requested services and write the inventory."""
    services = sorted(HUAWEI) + ["qingcloud"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", required=True, help="inventory JSON to write ('-': stdout)")
    parser.add_argument("--only", nargs="+", choices=services, default=services,
                        help="services to extract (default: all)")
    args = parser.parse_args(argv)
    inventory = {service: extract(service) for service in args.only}
    text = json.dumps(inventory, indent=1, ensure_ascii=False, sort_keys=True)
    if args.output == "-":
        print(text)
    else:
        with open(args.output, "w") as f:
            f.write(text + "\n")
        for service, section in inventory.items():
            print("%s: %s %s, %d operations, %d models" % (
                service, section["package"], section["package_version"],
                len(section["operations"]), len(section["models"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
