"""`serve --api confluent` driven by confluent-kafka's SchemaRegistryClient and our own client."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

from registry_contract.lock.reader import load_intact_lock, read_lock_files
from registry_contract.registry import serve as serve_module
from registry_contract.registry.serve import LockServer
from registry_contract.registry.serve_confluent import build_confluent_api
from registry_contract.registry.serve_store import schema_id_of
from support.dev_server import DevServer, lock_content

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "schemas-lock"
INDEX: dict[str, dict[str, Any]] = json.loads((LOCK / "lock.json").read_text())["schemas"]
TEMPLATE = "{name}-{track}-value"  # Kafka's TopicNameStrategy with topic `{name}-{track}`
SUBJECT = "telemetry.FeedbackEvent-v2-value"
ENTRY = INDEX["telemetry.FeedbackEvent"]["v2"]
TOKEN = "bearer-0123456789abcdef"
PASSWORD = "basic-password-fedcba9876543210"
CONTENT = {"Content-Type": "application/vnd.schemaregistry.v1+json"}


def server_config(directory: Path, template: str = TEMPLATE, **extra: Any) -> Path:
    """A config for the server: the bundled schemas under `template`."""
    config = {
        "registry": {"api": "static", "url": "unused", "subject-template": template},
        "lock-dir": str(LOCK),
        "schemas": dict.fromkeys(INDEX),
        **extra,
    }
    path = directory / "server.yml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., DevServer]]:
    """Start `serve --api confluent --config server.yml ARGV...`; killed after the test."""
    servers: list[DevServer] = []

    def start(*argv: str, env: dict[str, str] | None = None, **config: Any) -> DevServer:
        folder = tmp_path / f"server-{len(servers)}"
        folder.mkdir()
        path = server_config(folder, **config)
        servers.append(DevServer("--api", "confluent", "--config", str(path), *argv, env=env))
        return servers[-1]

    yield start
    for server in servers:
        server.kill()


@pytest.fixture
def connect() -> Iterator[Callable[..., SchemaRegistryClient]]:
    """confluent-kafka's client for a URL (and extra config); closed after the test."""
    clients: list[SchemaRegistryClient] = []

    def make(url: str, **conf: str) -> SchemaRegistryClient:
        clients.append(SchemaRegistryClient({"url": url, **conf}))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def lock_document(name: str, track: str) -> Any:
    return json.loads((LOCK / INDEX[name][track]["file"]).read_bytes())


def breaking_candidate() -> str:
    """FeedbackEvent v2 that newly requires a property: BACKWARD-incompatible."""
    document = lock_document("telemetry.FeedbackEvent", "v2")
    document["properties"]["region"] = {"type": "string"}
    document["required"] = [*document["required"], "region"]
    return json.dumps(document)


def widening_candidate() -> str:
    """FeedbackEvent v2 that also accepts an optional property: BACKWARD-compatible."""
    document = lock_document("telemetry.FeedbackEvent", "v2")
    document["properties"]["region"] = {"type": "string"}
    return json.dumps(document)


def test_every_getter_of_the_client_answers_from_the_lock(
    serve: Callable[..., DevServer],
    connect: Callable[..., SchemaRegistryClient],
) -> None:
    server = serve()
    client = connect(server.url)
    expected = sorted(f"{n}-{t}-value" for n, tracks in INDEX.items() for t in tracks)
    assert client.get_subjects() == expected
    assert client.get_subjects(subject_prefix="telemetry.Rate") == expected[2:]
    latest = client.get_latest_version(SUBJECT)
    assert (latest.subject, latest.version) == (SUBJECT, ENTRY["version"])
    assert latest.schema.schema_type == "JSON"
    assert json.loads(latest.schema.schema_str) == lock_document("telemetry.FeedbackEvent", "v2")
    # The id is the lock's digest folded to 31 bits: the same on every start.
    assert latest.schema_id == schema_id_of(ENTRY["sha256"])
    assert client.get_versions(SUBJECT) == [ENTRY["version"]]
    assert client.get_version(SUBJECT, ENTRY["version"]) == latest
    by_id = client.get_schema(latest.schema_id)
    assert by_id.schema_str == latest.schema.schema_str
    assert client.get_schema(latest.schema_id, subject_name="any-subject").schema_type == "JSON"
    assert client.get_subjects_by_schema_id(latest.schema_id) == [SUBJECT]
    versions = client.get_schema_versions(latest.schema_id)
    assert [(v.subject, v.version) for v in versions] == [(SUBJECT, ENTRY["version"])]
    assert client.get_schema_by_guid(latest.guid).schema_str == latest.schema.schema_str
    assert client.get_schema_types() == ["JSON"]
    assert client.get_compatibility() == "BACKWARD"
    assert client.get_compatibility(SUBJECT) == "BACKWARD"
    assert client.get_config().compatibility_level == "BACKWARD"
    assert client.get_referenced_by(SUBJECT, ENTRY["version"]) == []
    found = client.lookup_schema(SUBJECT, Schema(latest.schema.schema_str, "JSON"))
    assert (found.schema_id, found.version) == (latest.schema_id, ENTRY["version"])
    assert client.get_mode(SUBJECT) == "READWRITE"
    assert client.get_contexts() == ["."]
    again = serve()
    assert connect(again.url).get_latest_version(SUBJECT) == latest


def test_missing_things_answer_their_error_codes(
    serve: Callable[..., DevServer], connect: Callable[..., SchemaRegistryClient]
) -> None:
    client = connect(serve().url)
    cases: list[tuple[Callable[[], object], int, int]] = [
        (lambda: client.get_latest_version("no-such-subject"), 404, 40401),
        (lambda: client.get_version(SUBJECT, 99), 404, 40402),
        (lambda: client.get_version(SUBJECT, "first"), 422, 42202),  # type: ignore[arg-type]
        (lambda: client.get_schema(12), 404, 40403),
        (lambda: client.lookup_schema(SUBJECT, Schema('{"type": "string"}', "JSON")), 404, 40403),
        (lambda: client.set_compatibility(SUBJECT, "SIDEWAYS"), 422, 42203),
        (lambda: client.register_schema(SUBJECT, Schema("{}", "AVRO")), 422, 42201),
        (lambda: client.register_schema(SUBJECT, Schema('{"type": 5}', "JSON")), 422, 42201),
        (lambda: client.delete_subject(SUBJECT), 422, 42205),
        (lambda: client.get_associations_by_resource_name("orders", "-"), 404, 404),
    ]
    for call, status, code in cases:
        with pytest.raises(SchemaRegistryError) as caught:
            call()
        assert (caught.value.http_status_code, caught.value.error_code) == (status, code)


def test_the_queries_the_client_sends_are_accepted(serve: Callable[..., DevServer]) -> None:
    server = serve()
    with requests.Session() as http:
        subjects = http.get(
            f"{server.url}/subjects?deleted=false&deleted_only=false&offset=0&limit=-1", timeout=5
        )
        assert subjects.status_code == 200
        assert subjects.headers["Content-Type"] == "application/vnd.schemaregistry.v1+json"
        page = http.get(f"{server.url}/subjects?offset=1&limit=2", timeout=5).json()
        assert page == subjects.json()[1:3]
        latest = http.get(f"{server.url}/subjects/{SUBJECT}/versions/latest", timeout=5).json()
        schema = http.get(
            f"{server.url}/schemas/ids/{latest['id']}?subject=someone-else-value&format=", timeout=5
        )
        assert schema.json()["schema"] == latest["schema"]
        raw = http.get(f"{server.url}/subjects/{SUBJECT}/versions/latest/schema", timeout=5)
        assert raw.json() == json.loads(latest["schema"])
        check = http.post(
            f"{server.url}/compatibility/subjects/{SUBJECT}/versions/latest"
            "?normalize=False&verbose=False",
            json={"schema": latest["schema"], "schemaType": "JSON"},
            headers=CONTENT,
            timeout=5,
        )
        assert check.json() == {"is_compatible": True}
        unknown = http.get(
            f"{server.url}/associations/resources/-/{SUBJECT}?resourceType=topic", timeout=5
        )
        assert (unknown.status_code, unknown.json()["error_code"]) == (404, 404)
        wrong_method = http.put(f"{server.url}/subjects", timeout=5)
        assert (wrong_method.status_code, wrong_method.json()["error_code"]) == (405, 405)
        huge = http.post(
            f"{server.url}/subjects/{SUBJECT}/versions",
            data=b" " * (1024 * 1024 + 1),
            headers=CONTENT,
            timeout=5,
        )
        assert (huge.status_code, huge.json()["error_code"]) == (413, 413)


def test_a_breaking_registration_under_backward_is_refused_with_409_and_our_rules(
    serve: Callable[..., DevServer],
    connect: Callable[..., SchemaRegistryClient],
) -> None:
    server = serve()
    client = connect(server.url)
    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema(SUBJECT, Schema(breaking_candidate(), "JSON"))
    assert (caught.value.http_status_code, caught.value.error_code) == (409, 409)
    assert "at BACKWARD: required-added at /required/" in caught.value.error_message
    assert "'region'" in caught.value.error_message
    assert client.get_versions(SUBJECT) == [ENTRY["version"]]
    assert not client.test_compatibility(SUBJECT, Schema(breaking_candidate(), "JSON"))
    verbose = requests.post(
        f"{server.url}/compatibility/subjects/{SUBJECT}/versions/latest?verbose=true",
        json={"schema": breaking_candidate(), "schemaType": "JSON"},
        timeout=5,
    ).json()
    assert verbose["is_compatible"] is False
    assert [m.split(" ", 1)[0] for m in verbose["messages"]] == ["required-added"]


def test_a_compatible_registration_adds_a_version_and_never_touches_the_lock(
    serve: Callable[..., DevServer],
    connect: Callable[..., SchemaRegistryClient],
) -> None:
    before = read_lock_files(LOCK)
    client = connect(serve().url)
    candidate = Schema(widening_candidate(), "JSON")
    assert client.test_compatibility_all_versions(SUBJECT, candidate)
    schema_id = client.register_schema(SUBJECT, candidate)
    assert client.get_versions(SUBJECT) == [ENTRY["version"], ENTRY["version"] + 1]
    latest = client.get_latest_version(SUBJECT)
    assert (latest.schema_id, latest.version) == (schema_id, ENTRY["version"] + 1)
    assert client.register_schema(SUBJECT, candidate) == schema_id  # no new version
    assert client.get_versions(SUBJECT) == [ENTRY["version"], ENTRY["version"] + 1]
    assert client.register_schema("orders-value", candidate) == schema_id  # a new subject
    assert client.get_subjects_by_schema_id(schema_id) == ["orders-value", SUBJECT]
    assert read_lock_files(LOCK) == before


def test_levels_set_through_the_api_decide_registrations(
    serve: Callable[..., DevServer],
    connect: Callable[..., SchemaRegistryClient],
) -> None:
    server = serve()
    client = connect(server.url)
    assert client.set_compatibility(SUBJECT, "none") == {"compatibility": "NONE"}
    assert client.get_compatibility(SUBJECT) == "NONE"
    client.register_schema(SUBJECT, Schema(breaking_candidate(), "JSON"))
    assert client.delete_config(SUBJECT).compatibility_level == "NONE"
    with pytest.raises(SchemaRegistryError) as caught:
        client.get_compatibility(SUBJECT)
    assert caught.value.error_code == 40408
    assert client.set_compatibility(level="FORWARD") == {"compatibility": "FORWARD"}
    assert client.get_compatibility() == "FORWARD"
    url = f"{server.url}/config/{SUBJECT}?defaultToGlobal=true"
    assert requests.get(url, timeout=5).json() == {"compatibilityLevel": "FORWARD"}


def test_a_schema_level_in_the_config_is_its_subjects_level(
    serve: Callable[..., DevServer],
    connect: Callable[..., SchemaRegistryClient],
) -> None:
    server = serve(schemas={"telemetry.FeedbackEvent": {"compatibility": "NONE"}})
    client = connect(server.url)
    assert client.get_compatibility() == "BACKWARD"
    assert client.get_compatibility(SUBJECT) == "NONE"
    assert client.register_schema(SUBJECT, Schema(breaking_candidate(), "JSON")) > 0


def test_registrations_go_to_the_writable_folder_and_come_back_on_restart(
    serve: Callable[..., DevServer], connect: Callable[..., SchemaRegistryClient], tmp_path: Path
) -> None:
    folder = tmp_path / "registered"
    first = connect(serve("--writable", str(folder)).url)
    schema_id = first.register_schema(SUBJECT, Schema(widening_candidate(), "JSON"))
    version = ENTRY["version"] + 1
    written = folder / SUBJECT / f"{version}.json"
    assert json.loads(written.read_bytes()) == json.loads(widening_candidate())
    second = connect(serve("--writable", str(folder)).url)
    latest = second.get_latest_version(SUBJECT)
    assert (latest.schema_id, latest.version) == (schema_id, version)


@pytest.mark.parametrize(
    ("argv", "env", "client_conf"),
    [
        pytest.param(
            ("--token", TOKEN),
            {},
            {
                "bearer.auth.credentials.source": "STATIC_TOKEN",
                "bearer.auth.token": TOKEN,
                "bearer.auth.logical.cluster": "lsrc-dev",
                "bearer.auth.identity.pool.id": "pool-dev",
            },
            id="bearer",
        ),
        pytest.param(
            ("--username", "dev"),
            {"REGISTRY_PASSWORD": PASSWORD},
            {"basic.auth.user.info": f"dev:{PASSWORD}"},
            id="basic",
        ),
    ],
)
def test_credentials_are_required_and_never_logged(
    serve: Callable[..., DevServer],
    connect: Callable[..., SchemaRegistryClient],
    argv: tuple[str, ...],
    env: dict[str, str],
    client_conf: dict[str, str],
) -> None:
    server = serve(*argv, env=env)
    with pytest.raises(SchemaRegistryError) as caught:
        connect(server.url).get_subjects()
    assert (caught.value.http_status_code, caught.value.error_code) == (401, 40101)
    client = connect(server.url, **client_conf)
    assert SUBJECT in client.get_subjects()
    secret = TOKEN if "--token" in argv else PASSWORD
    with pytest.raises(SchemaRegistryError):
        client.get_latest_version(f"leaked-{secret}")
    code, _, err = server.stop()
    assert code == 0
    assert secret not in err
    lines = err.splitlines()
    assert len(lines) == 3  # one per request
    assert re.match(r"^127\.0\.0\.1 GET /subjects 401 \d+B \d+\.\dms$", lines[0])
    assert "/subjects/leaked-***/versions/latest 404" in lines[2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(("--api", "confluent", "--username", "u"), "REGISTRY_PASSWORD", id="password"),
        pytest.param(("--writable", "registered"), "--writable needs --api", id="writable-core"),
        pytest.param(
            ("--api", "confluent", "--writable", str(LOCK / "registered")),
            "is inside the lock folder",
            id="writable-in-lock",
        ),
    ],
)
def test_serve_refuses_options_it_cannot_honour(
    cli: Cli, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = cli("serve", "--lock-dir", str(LOCK), *argv)
    assert (code, out) == (2, "")
    assert message in err


def test_both_apis_share_one_port(tmp_path: Path) -> None:
    server = DevServer(
        "--api", "both", "--config", str(server_config(tmp_path)), "--lock-dir", str(LOCK)
    )
    try:
        with requests.Session() as http:
            core = http.get(f"{server.url}/schemas/telemetry.FeedbackEvent/tracks/v2", timeout=5)
            assert core.json()["version"] == ENTRY["version"]
            assert core.headers["ETag"] == f'"{ENTRY["sha256"]}"'
            listing = http.get(f"{server.url}/schemas", timeout=5).json()["schemas"]
            assert [item["name"] for item in listing] == sorted(INDEX)
            latest = http.get(f"{server.url}/subjects/{SUBJECT}/versions/latest", timeout=5)
            assert latest.json()["id"] == schema_id_of(ENTRY["sha256"])
            by_id = http.get(f"{server.url}/schemas/ids/{latest.json()['id']}", timeout=5)
            assert by_id.json()["schema"] == latest.json()["schema"]
        assert server.banner.startswith(f"serving {LOCK} over both APIs on ")
    finally:
        assert server.stop()[0] == 0


def test_connections_beyond_the_cap_are_closed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve_module, "MAX_CONNECTIONS", 1)
    lock = load_intact_lock(LOCK)
    server = LockServer(("127.0.0.1", 0), None, confluent=build_confluent_api(lock, None, None))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with requests.Session() as held, requests.Session() as other:
            # The first connection stays open (keep-alive) and holds the only slot.
            assert held.get(f"{server.url}/subjects", timeout=5).status_code == 200
            with pytest.raises(requests.ConnectionError):
                other.get(f"{server.url}/subjects", timeout=5)
            assert held.get(f"{server.url}/schemas/types", timeout=5).json() == ["JSON"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("template", ["{name}-{track}", TEMPLATE])
def test_lock_from_the_confluent_api_reproduces_the_served_lock_byte_for_byte(
    serve: Callable[..., DevServer],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    template: str,
) -> None:
    server = serve("--username", "dev", env={"REGISTRY_PASSWORD": PASSWORD}, template=template)
    registry = {"api": "confluent", "url": server.url, "subject-template": template}
    root = project(registry, schemas=dict.fromkeys(INDEX))
    monkeypatch.setenv("REGISTRY_USERNAME", "dev")
    monkeypatch.setenv("REGISTRY_PASSWORD", PASSWORD)
    code, _, err = cli("lock")
    assert code == 0, err
    assert lock_content(root / "schemas-lock") == lock_content(LOCK)
    assert cli("lock", "--check")[0] == 0
    # Served again on the same address, the new lock locks to itself, lock.json included.
    locked = read_lock_files(root / "schemas-lock")
    port = server.url.rsplit(":", 1)[1]
    assert server.stop()[0] == 0
    again = serve(
        "--username",
        "dev",
        "--lock-dir",
        str(root / "schemas-lock"),
        "--port",
        port,
        env={"REGISTRY_PASSWORD": PASSWORD},
        template=template,
    )
    assert again.url == server.url
    (root / "schemas-lock" / "lock.json").unlink()
    assert cli("lock")[0] == 0
    assert read_lock_files(root / "schemas-lock") == locked


@pytest.mark.parametrize("depth", [70, 400, 5_000])
def test_a_registration_nested_deeper_than_the_lock_accepts_is_refused(
    serve: Callable[..., DevServer], depth: int, tmp_path: Path
) -> None:
    folder = tmp_path / "registered"
    server = serve("--writable", str(folder))
    deep = '{"properties": {"a": ' * depth + "{}" + "}}" * depth
    answer = requests.post(
        f"{server.url}/subjects/{SUBJECT}/versions",
        json={"schema": deep, "schemaType": "JSON"},
        headers=CONTENT,
        timeout=30,
    )
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42201)
    assert answer.json()["message"] == "Invalid schema: nested more than 128 levels deep"
    assert not folder.exists() or list(folder.rglob("*.json")) == []
    code, _, err = server.stop()
    assert code == 0 and f"POST /subjects/{SUBJECT}/versions 422" in err
