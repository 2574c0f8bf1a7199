"""The Schema Registry API routes of the development registry: answers and error bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry_contract.lock.reader import load_intact_lock
from registry_contract.registry import serve_confluent, serve_register
from registry_contract.registry.serve_confluent import ConfluentApi, build_confluent_api
from registry_contract.registry.serve_reply import CONFLUENT_TYPE

ROOT = Path(__file__).resolve().parents[2]
LOCK = load_intact_lock(ROOT / "schemas-lock")
SUBJECT = "telemetry.RateAdjustment-v2"
STRING = {"schema": '{"type": "string"}', "schemaType": "JSON"}


@pytest.fixture
def api() -> ConfluentApi:
    return build_confluent_api(LOCK, None, None)


def call(
    api: ConfluentApi, method: str, path: str, body: Any = None, **query: str
) -> tuple[int, Any]:
    raw = None if body is None else json.dumps(body).encode()
    reply = api.answer(method, path, query, raw)
    assert reply.content_type == CONFLUENT_TYPE
    return reply.status, json.loads(reply.body)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        pytest.param("GET", "/associations/resources/-/orders", None, 404, 404, id="associations"),
        pytest.param("GET", "/", None, 404, 404, id="root"),
        pytest.param("GET", "/subjects/a/b/c/d/e/f", None, 404, 404, id="too-deep"),
        pytest.param("PUT", "/subjects", None, 405, 405, id="wrong-method"),
        pytest.param("GET", "/subjects/nope/versions", None, 404, 40401, id="no-subject"),
        pytest.param("GET", f"/subjects/{SUBJECT}/versions/7", None, 404, 40402, id="no-version"),
        pytest.param("GET", f"/subjects/{SUBJECT}/versions/0", None, 422, 42202, id="version-0"),
        pytest.param("GET", f"/subjects/{SUBJECT}/versions/x", None, 422, 42202, id="version-x"),
        pytest.param("GET", "/schemas/ids/1", None, 404, 40403, id="no-id"),
        pytest.param("GET", "/schemas/ids/-5", None, 404, 40403, id="negative-id"),
        pytest.param("GET", "/schemas/guids/nope", None, 404, 40403, id="no-guid"),
        pytest.param("GET", f"/config/{SUBJECT}x", None, 404, 40408, id="no-subject-level"),
        pytest.param("PUT", "/config", {"compatibility": "LOOSE"}, 422, 42203, id="bad-level"),
        pytest.param("PUT", "/config", {"compatibility": 3}, 422, 42203, id="level-not-text"),
        pytest.param("POST", f"/subjects/{SUBJECT}", STRING, 404, 40403, id="lookup-unknown"),
        pytest.param("POST", "/subjects/x/versions", ["a"], 400, 400, id="body-not-object"),
        pytest.param(
            "POST", "/subjects/x/versions", {"schema": "{}"}, 422, 42201, id="avro-by-default"
        ),
        pytest.param(
            "POST",
            "/subjects/x/versions",
            {**STRING, "references": [{"name": "a", "subject": "b", "version": 1}]},
            422,
            42201,
            id="references",
        ),
        pytest.param(
            "POST", "/subjects/x/versions", {**STRING, "schema": "{"}, 422, 42201, id="not-json"
        ),
        pytest.param(
            "POST", "/subjects/x/versions", {**STRING, "schema": "[]"}, 422, 42201, id="array"
        ),
        pytest.param(
            "POST",
            "/subjects/x/versions",
            {**STRING, "schema": '{"$schema": "https://example.com/mine"}'},
            422,
            42201,
            id="unknown-dialect",
        ),
        pytest.param(
            "POST", "/subjects/a%2Fb/versions", STRING, 422, 42208, id="subject-with-slash"
        ),
        pytest.param(
            "POST",
            "/subjects/x/versions",
            {**STRING, "schema": '{"not": ' * 5000 + "{}" + "}" * 5000},
            422,
            42201,
            id="nested-too-deep",
        ),
        pytest.param("POST", "/subjects/.hidden/versions", STRING, 422, 42208, id="dot-subject"),
        pytest.param("DELETE", f"/subjects/{SUBJECT}", None, 422, 42205, id="delete-subject"),
        pytest.param(
            "POST",
            "/compatibility/subjects/nope/versions/latest",
            STRING,
            404,
            40401,
            id="compatibility-no-subject",
        ),
    ],
)
def test_refusals_carry_their_schema_registry_error_code(
    api: ConfluentApi, method: str, path: str, body: Any, status: int, code: int
) -> None:
    answer_status, answer = call(api, method, path, body)
    assert (answer_status, answer["error_code"]) == (status, code)
    assert set(answer) == {"error_code", "message"}
    assert answer["message"] and "\n" not in answer["message"]


def test_a_body_that_is_not_json_is_a_400(api: ConfluentApi) -> None:
    reply = api.answer("POST", f"/subjects/{SUBJECT}/versions", {}, b"{not json")
    assert (reply.status, json.loads(reply.body)["error_code"]) == (400, 400)


def test_a_subject_name_in_a_message_stays_on_one_line(api: ConfluentApi) -> None:
    status, answer = call(api, "GET", "/subjects/evil%0A%E2%80%A8name/versions")
    assert status == 404
    assert answer["message"] == "Subject 'evil\\u000a\\u2028name' not found."


@pytest.mark.parametrize("wanted", ["latest", "-1", "1"])
def test_latest_and_minus_one_name_the_last_version(api: ConfluentApi, wanted: str) -> None:
    status, answer = call(api, "GET", f"/subjects/{SUBJECT}/versions/{wanted}")
    entry = LOCK.entries["telemetry.RateAdjustment"]["v2"]
    assert status == 200
    assert (answer["subject"], answer["version"]) == (SUBJECT, entry.version)
    assert answer["schemaType"] == "JSON"
    assert json.loads(answer["schema"]) == LOCK.schema("telemetry.RateAdjustment", "v2")


def test_lists_page_with_offset_and_limit_and_ignore_other_queries(api: ConfluentApi) -> None:
    _, everything = call(api, "GET", "/subjects", deleted="false", limit="-1")
    assert len(everything) == 4
    assert call(api, "GET", "/subjects", offset="1", limit="2")[1] == everything[1:3]
    assert call(api, "GET", "/subjects", offset="x", limit="y")[1] == everything
    assert call(api, "GET", "/subjects", subjectPrefix="telemetry.Rate")[1] == everything[2:]


def test_verbose_is_read_whatever_its_case(api: ConfluentApi) -> None:
    path = f"/compatibility/subjects/{SUBJECT}/versions/latest"
    assert call(api, "POST", path, STRING, verbose="False")[1] == {"is_compatible": False}
    _, verbose = call(api, "POST", path, STRING, verbose="TRUE", normalize="False")
    assert verbose["is_compatible"] is False
    assert verbose["messages"] and all(isinstance(m, str) for m in verbose["messages"])


def test_compatibility_against_every_version_of_a_new_subject_is_true(api: ConfluentApi) -> None:
    path = "/compatibility/subjects/brand-new/versions"
    assert call(api, "POST", path, STRING, verbose="true")[1] == {
        "is_compatible": True,
        "messages": [],
    }


def test_the_registration_cap_refuses_with_42205(
    api: ConfluentApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve_register, "MAX_REGISTRATIONS", 1)
    assert call(api, "POST", "/subjects/a/versions", STRING)[0] == 200
    assert call(api, "POST", "/subjects/a/versions", STRING)[0] == 200  # held: no new version
    integer = {**STRING, "schema": '{"type": "integer"}'}
    status, answer = call(api, "POST", "/subjects/c/versions", integer)
    assert (status, answer["error_code"]) == (422, 42205)
    assert call(api, "GET", "/subjects/c/versions")[0] == 404


def test_a_refused_registration_leaves_no_schema_behind(api: ConfluentApi) -> None:
    call(api, "PUT", "/config/s", {"compatibility": "BACKWARD"})
    assert call(api, "POST", "/subjects/s/versions", STRING)[0] == 200
    integer = {**STRING, "schema": '{"type": "integer"}'}
    status, answer = call(api, "POST", "/subjects/s/versions", integer)
    assert (status, answer["error_code"]) == (409, 409)
    assert api.store.find({"type": "integer"}) is None


def test_global_level_can_be_set_and_reset_to_the_configured_one(api: ConfluentApi) -> None:
    assert call(api, "PUT", "/config", {"compatibility": "full"})[1] == {"compatibility": "FULL"}
    assert call(api, "GET", "/config")[1] == {"compatibilityLevel": "FULL"}
    assert call(api, "GET", "/config/new-subject", defaultToGlobal="true")[1] == {
        "compatibilityLevel": "FULL"
    }
    assert call(api, "DELETE", "/config")[1] == {"compatibilityLevel": "FULL"}
    assert call(api, "GET", "/config")[1] == {"compatibilityLevel": "BACKWARD"}


def test_the_schema_of_a_version_and_of_an_id_is_the_document_itself(api: ConfluentApi) -> None:
    _, record = call(api, "GET", f"/subjects/{SUBJECT}/versions/latest")
    document = LOCK.schema("telemetry.RateAdjustment", "v2")
    assert call(api, "GET", f"/subjects/{SUBJECT}/versions/latest/schema")[1] == document
    assert call(api, "GET", f"/schemas/ids/{record['id']}/schema")[1] == document
    _, by_guid = call(api, "GET", f"/schemas/guids/{record['guid']}")
    assert (by_guid["id"], by_guid["schema"]) == (record["id"], record["schema"])


def test_subject_level_configs_are_capped(
    api: ConfluentApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve_confluent, "MAX_SUBJECT_LEVELS", len(api.store.levels) + 1)
    assert call(api, "PUT", "/config/one", {"compatibility": "NONE"})[0] == 200
    assert call(api, "PUT", "/config/one", {"compatibility": "FULL"})[0] == 200  # a change
    status, answer = call(api, "PUT", "/config/two", {"compatibility": "NONE"})
    assert (status, answer["error_code"]) == (422, 42205)
