"""Unit tests of compare.py on small fixture specs and inventories (no network, no SDK).

Run: python3 -m unittest discover -s tools/vendor-drift -p 'test_*.py'
"""
import contextlib
import io
import json
import os
import tempfile
import unittest

import yaml

import compare

BODY_PATH = "/paths/~1v3~1{project_id}~1instances~1{instance_id}~1users/post"


def inventory():
    """A Huawei-style inventory with one operation: create users of an instance."""
    return {"operations": [{
        "name": "create_users", "version": "v3", "method": "POST",
        "path": "/v3/{project_id}/instances/{instance_id}/users",
        "auto_path_params": ["project_id"], "path_params": ["project_id", "instance_id"],
        "path_param_types": {"instance_id": "str"},
        "query_params": [{"name": "dry_run", "type": "bool", "required": False}],
        "header_params": [{"name": "X-Language", "type": "str", "required": True}],
        "content_type": "application/json;charset=UTF-8",
        "body_type": "CreateUsersBody", "request_model": "CreateUsersRequest",
        "response_model": "CreateUsersResponse", "response_body_type": None,
        "response_headers": [], "streaming_response": False,
    }], "models": {
        "CreateUsersRequest": {"body": {"json_name": "body", "type": "CreateUsersBody",
                                        "required": False}},
        "CreateUsersBody": {
            "users": {"json_name": "users", "type": "list[User]", "required": True},
        },
        "User": {
            "name": {"json_name": "name", "type": "str", "required": True},
            "password": {"json_name": "password", "type": "str", "required": True,
                         "sensitive": True},
            "hosts": {"json_name": "hosts", "type": "list[str]", "required": False},
        },
        "CreateUsersResponse": {"job_id": {"json_name": "job_id", "type": "str", "required": False}},
    }}


def spec():
    """A spec whose one operation matches the inventory exactly."""
    return {
        "openapi": "3.0.3",
        "x-protocol": "huaweicloud-rest",
        "paths": {"/v3/{project_id}/instances/{instance_id}/users": {"post": {
            "operationId": "CreateUsers",
            "x-content-type": "application/json;charset=UTF-8",
            "parameters": [
                {"$ref": "#/components/parameters/ProjectId"},
                {"$ref": "#/components/parameters/XLanguage"},
                {"name": "instance_id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "dry_run", "in": "query", "schema": {"type": "boolean"}},
            ],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CreateUsersRequest"}}}},
            "responses": {"202": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"job_id": {"type": "string"}}}}}}},
        }}},
        "components": {
            "parameters": {
                "ProjectId": {"name": "project_id", "in": "path", "required": True,
                              "x-client-setting": "project_id", "schema": {"type": "string"}},
                "XLanguage": {"name": "X-Language", "in": "header", "required": False,
                              "x-client-setting": "language", "schema": {"type": "string"}},
            },
            "schemas": {
                "CreateUsersRequest": {"type": "object", "required": ["users"], "properties": {
                    "users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}},
                "User": {"type": "object", "required": ["name", "password"], "properties": {
                    "name": {"type": "string"},
                    "password": {"type": "string", "format": "password"},
                    "hosts": {"type": "array", "items": {"type": "string"}},
                }},
            },
        },
    }


def run(spec_doc, inv, only=None):
    """Compare a spec with an inventory section; returns the Comparison."""
    comparison = compare.Comparison(spec_doc, inv, only)
    comparison.run()
    return comparison


def whats(comparison, explained=False):
    """The `what` texts of the unexplained (or explained) differences."""
    return [d.what for d in comparison.differences if (d.reason is not None) == explained]


class Matching(unittest.TestCase):
    """Operation matching and the baseline."""

    def test_identical_operation_has_no_difference(self):
        comparison = run(spec(), inventory())
        self.assertEqual(comparison.differences, [])
        self.assertEqual(comparison.counts["matched"], 1)

    def test_sdk_only_operation(self):
        inv = inventory()
        extra = dict(inv["operations"][0], name="list_users", method="GET")
        inv["operations"].append(extra)
        comparison = run(spec(), inv)
        self.assertEqual(comparison.counts["sdk-only"], 1)
        [diff] = comparison.differences
        self.assertEqual(diff.operation, "list_users")
        self.assertIn("operation only in the SDK (GET /v3/", diff.what)
        self.assertIsNone(diff.reason)

    def test_spec_only_operation(self):
        doc = spec()
        doc["paths"]["/v3/{project_id}/jobs"] = {"get": {"operationId": "ListJobs", "responses": {}}}
        comparison = run(doc, inventory())
        self.assertEqual(comparison.counts["spec-only"], 1)
        self.assertEqual(whats(comparison), ["operation only in the spec (GET /v3/{project_id}/jobs)"])

    def test_path_parameter_names_may_differ(self):
        doc = spec()
        item = doc["paths"].pop("/v3/{project_id}/instances/{instance_id}/users")
        item["post"]["parameters"][2]["name"] = "id"
        doc["paths"]["/v3/{project_id}/instances/{id}/users"] = item
        comparison = run(doc, inventory())
        self.assertEqual(comparison.counts["matched"], 1)
        self.assertEqual(whats(comparison), ["path parameter {id} is {instance_id} in the SDK"])

    def test_only_limits_the_comparison(self):
        inv = inventory()
        inv["operations"].append(dict(inv["operations"][0], name="list_users", method="GET"))
        comparison = run(spec(), inv, only=["POST /v3/{project_id}/instances/{instance_id}/users"])
        self.assertEqual(comparison.differences, [])
        self.assertEqual(comparison.counts["sdk-only"], 0)


class Parameters(unittest.TestCase):
    """Parameters: presence, type, required flag, location."""

    def test_spec_only_parameter(self):
        doc = spec()
        doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["parameters"].append(
            {"name": "verbose", "in": "query", "schema": {"type": "integer"}})
        comparison = run(doc, inventory())
        [diff] = comparison.differences
        self.assertEqual(diff.what, "query parameter `verbose` only in the spec")
        self.assertEqual(diff.pointer, BODY_PATH + "/parameters/4")

    def test_parameter_type_difference(self):
        doc = spec()
        doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["parameters"][3][
            "schema"] = {"type": "string"}
        self.assertEqual(whats(run(doc, inventory())),
                         ["query parameter `dry_run`: type string in the spec, boolean (bool) in the SDK"])

    def test_parameter_required_difference(self):
        doc = spec()
        doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["parameters"][3][
            "required"] = True
        self.assertEqual(whats(run(doc, inventory())),
                         ["query parameter `dry_run`: required in the spec only"])

    def test_parameter_location_difference(self):
        doc = spec()
        doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["parameters"][3][
            "in"] = "header"
        self.assertEqual(whats(run(doc, inventory())),
                         ["parameter `dry_run` is in header in the spec, in query in the SDK"])

    def test_parameter_sent_as_body_field_is_a_location_difference(self):
        doc = spec()
        doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["parameters"].pop(3)
        doc["components"]["schemas"]["CreateUsersRequest"]["properties"]["dry_run"] = {"type": "boolean"}
        self.assertEqual(whats(run(doc, inventory())),
                         ["query parameter `dry_run` is a body field in the spec"])

    def test_client_settings_match_whatever_the_sdk_flags(self):
        """X-Language is required in the SDK, optional in the spec: a client setting."""
        self.assertEqual(run(spec(), inventory()).differences, [])

    def test_missing_client_setting_is_reported(self):
        doc = spec()
        doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["parameters"].pop(1)
        self.assertEqual(whats(run(doc, inventory())),
                         ["header parameter `X-Language` (str, required) only in the SDK"])


class Bodies(unittest.TestCase):
    """Request and response bodies, content type, secrets."""

    def test_nested_body_field_difference(self):
        doc = spec()
        user = doc["components"]["schemas"]["User"]
        user["properties"]["hosts"] = {"type": "string"}
        del user["properties"]["name"]
        user["required"] = ["password"]
        self.assertEqual(sorted(whats(run(doc, inventory()))), [
            "body.users[].hosts: type string in the spec, array (list[str]) in the SDK",
            "field `body.users[].name` (str, required) only in the SDK",
        ])

    def test_nested_required_flag_difference(self):
        doc = spec()
        doc["components"]["schemas"]["User"]["required"] = ["name"]
        [diff] = run(doc, inventory()).differences
        self.assertEqual(diff.what, "field `body.users[].password`: required in the SDK only")
        self.assertEqual(diff.pointer, "/components/schemas/User/properties/password")

    def test_renamed_field_is_one_name_difference(self):
        doc = spec()
        props = doc["components"]["schemas"]["User"]["properties"]
        props["Hosts"] = props.pop("hosts")
        self.assertEqual(whats(run(doc, inventory())),
                         ["field `body.users[].Hosts` is `hosts` in the SDK"])

    def test_secret_without_format_password(self):
        doc = spec()
        del doc["components"]["schemas"]["User"]["properties"]["password"]["format"]
        self.assertEqual(whats(run(doc, inventory())),
                         ["field `body.users[].password`: a secret in the SDK, not format: password"])

    def test_content_type_difference(self):
        doc = spec()
        del doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["x-content-type"]
        self.assertEqual(whats(run(doc, inventory())), [
            "content type: SDK sends application/json;charset=UTF-8, spec application/json"])

    def test_response_field_difference_ignores_required(self):
        doc = spec()
        schema = doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"][
            "responses"]["202"]["content"]["application/json"]["schema"]
        schema["properties"]["jobId"] = schema["properties"].pop("job_id")
        schema["properties"]["extra"] = {"type": "integer"}
        schema["required"] = ["jobId"]
        self.assertEqual(whats(run(doc, inventory())), [
            "field `answer.jobId` is `job_id` in the SDK",
            "field `answer.extra` only in the spec",
        ])

    def test_free_form_answer_fits_no_body(self):
        inv = inventory()
        inv["operations"][0]["response_body_type"] = "object"
        doc = spec()
        del doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"][
            "responses"]["202"]["content"]
        self.assertEqual(run(doc, inv).differences, [])

    def test_streaming_answer_must_not_be_json(self):
        inv = inventory()
        inv["operations"][0]["streaming_response"] = True
        self.assertEqual(whats(run(spec(), inv)),
                         ["answer: the SDK reads a file (stream), the spec a JSON body"])


class Explanations(unittest.TestCase):
    """x-sdk-differs and x-sdk-only-operations."""

    def test_x_sdk_differs_explains_the_node_and_below(self):
        doc = spec()
        user = doc["components"]["schemas"]["User"]
        user["x-sdk-differs"] = "The document types hosts as a comma-separated string."
        user["properties"]["hosts"] = {"type": "string"}
        comparison = run(doc, inventory())
        self.assertEqual(whats(comparison), [])
        [diff] = [d for d in comparison.differences if d.reason]
        self.assertEqual(diff.reason, "The document types hosts as a comma-separated string.")

    def test_x_sdk_differs_elsewhere_explains_nothing(self):
        doc = spec()
        doc["components"]["schemas"]["User"]["properties"]["name"]["x-sdk-differs"] = "unrelated"
        doc["components"]["schemas"]["User"]["properties"]["hosts"] = {"type": "string"}
        self.assertEqual(len(whats(run(doc, inventory()))), 1)

    def test_x_sdk_differs_on_a_parameter(self):
        doc = spec()
        param = doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["parameters"][3]
        param.update({"required": True, "x-sdk-differs": "The service refuses calls without it."})
        comparison = run(doc, inventory())
        self.assertEqual(whats(comparison), [])
        self.assertEqual(whats(comparison, explained=True),
                         ["query parameter `dry_run`: required in the spec only"])

    def test_x_sdk_only_operations(self):
        inv = inventory()
        inv["operations"].append(dict(inv["operations"][0], name="list_users", method="GET"))
        doc = spec()
        doc["x-sdk-only-operations"] = [{"operation": "list_users", "reason": "Internal API."}]
        comparison = run(doc, inv)
        self.assertEqual(whats(comparison), [])
        [diff] = comparison.differences
        self.assertEqual((diff.operation, diff.pointer, diff.reason),
                         ("list_users", "/x-sdk-only-operations/0", "Internal API."))

    def test_stale_x_sdk_only_operations_entry(self):
        doc = spec()
        doc["x-sdk-only-operations"] = [{"operation": "create_users", "reason": "old"},
                                        {"operation": "no_such_method", "reason": "typo"}]
        self.assertEqual(whats(run(doc, inventory())), [
            "x-sdk-only-operations names an operation the spec has",
            "x-sdk-only-operations names an operation the SDK does not have",
        ])


class QingCloud(unittest.TestCase):
    """Action-style specs: matching by action, mode constants, the zone setting."""

    def test_modes_match_the_generic_action(self):
        inv = {"models": {}, "operations": [{
            "name": "run_cluster_custom_service", "method": "GET",
            "path": "/iaas/?action=RunClusterCustomService", "auto_query_params": ["zone"],
            "query_params": [{"name": "cluster", "type": None, "required": True},
                             {"name": "service", "type": None, "required": True}]}]}
        zone = {"name": "zone", "in": "query", "required": True, "x-client-setting": "zone",
                "schema": {"type": "string"}}
        cluster = {"name": "cluster", "in": "query", "required": True, "schema": {"type": "string"}}
        doc = {"x-protocol": "qingcloud-action", "paths": {
            "/iaas/?action=RunClusterCustomService&service=rebuildme": {"get": {
                "operationId": "Rebuild", "parameters": [zone, cluster], "responses": {}}},
            "/iaas/?action=RunClusterCustomService&service=add_user": {"get": {
                "operationId": "AddUser", "parameters": [zone], "responses": {}}},
        }}
        comparison = run(doc, inv)
        self.assertEqual(comparison.counts["matched"], 2)
        self.assertEqual(whats(comparison),
                         ["query parameter `cluster` (type not stated, required) only in the SDK"])


class CommandLine(unittest.TestCase):
    """main(): output and the exit status under enforcement."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.inventory = self.write("inventory.json", json.dumps({"css": inventory()}))
        doc = spec()
        doc["paths"]["/v3/{project_id}/instances/{instance_id}/users"]["post"]["parameters"][3][
            "required"] = True
        self.spec = self.write("spec/huaweicloud/css.yaml", yaml.safe_dump(doc))

    def write(self, name, text):
        """Write a file in the test directory and return its path."""
        path = os.path.join(self.dir.name, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def main(self, *extra):
        """Run compare.main; returns (exit status, output)."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = compare.main(["--inventory", self.inventory, "--spec", self.spec, *extra])
        return code, out.getvalue()

    def test_without_enforcement_file_unexplained_differences_fail(self):
        code, out = self.main()
        self.assertEqual(code, 1)
        self.assertIn("operations: 1 matched, 0 SDK-only, 0 spec-only", out)
        self.assertIn("differences: 0 explained, 1 unexplained", out)
        self.assertIn("UNEXPLAINED CreateUsers (SDK create_users) " + BODY_PATH
                      + "/parameters/3: query parameter `dry_run`: required in the spec only", out)

    def test_report_only_spec_passes(self):
        enforced = self.write("enforced.txt", "# none yet\nspec/huaweicloud/dws.yaml\n")
        code, out = self.main("--enforced", enforced)
        self.assertEqual(code, 0)
        self.assertIn("report-only", out.splitlines()[0])

    def test_enforced_spec_fails(self):
        enforced = self.write("enforced.txt", "spec/huaweicloud/css.yaml  # switched on\n")
        self.assertEqual(self.main("--enforced", enforced)[0], 1)

    def test_enforced_spec_without_unexplained_differences_passes(self):
        enforced = self.write("enforced.txt", "spec/huaweicloud/css.yaml\n")
        code, out = self.main("--enforced", enforced, "--only", "GET /nothing")
        self.assertEqual(code, 0)

    def test_json_format(self):
        code, out = self.main("--format", "json")
        result = json.loads(out)
        self.assertEqual(result["operations"], {"matched": 1, "sdk_only": 0, "spec_only": 0})
        self.assertEqual(result["differences"], {"explained": 0, "unexplained": 1})
        self.assertEqual(result["unexplained"][0]["pointer"], BODY_PATH + "/parameters/3")


if __name__ == "__main__":
    unittest.main()
