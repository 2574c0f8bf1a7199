"""confluent-kafka's JSONSerializer/JSONDeserializer (`use.latest.version`) against
`serve --api confluent`, on the bundled fixtures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError

from registry_contract.fixtures import Fixture, discover_fixture_files, load_fixtures
from support.dev_server import DevServer

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "schemas-lock"
FIXTURES = ROOT / "tests" / "contracts" / "fixtures" / "payloads"
INDEX: dict[str, dict[str, Any]] = json.loads((LOCK / "lock.json").read_text())["schemas"]
# confluent-kafka's serializer validates without a format checker, so these pass it.
FORMAT_ONLY = {"bad-date-time.json"}


def cases() -> Iterator[Any]:
    """(fixture, track) for each payload and each locked track it applies to."""
    for name in INDEX:
        for track, expected, path in discover_fixture_files(FIXTURES / name):
            for fixture in load_fixtures(name, track, expected, path):
                for locked in [track] if track else sorted(INDEX[name]):
                    where = f"{path.relative_to(FIXTURES)}:{fixture.line or 1}@{locked}"
                    yield pytest.param(fixture, locked, id=where)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SchemaRegistryClient]:
    """One server for the module: the serializers only read."""
    config = tmp_path_factory.mktemp("serde") / "server.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "registry": {
                    "api": "static",
                    "url": "x",
                    "subject-template": "{name}-{track}-value",
                },
                "schemas": dict.fromkeys(INDEX),
            }
        )
    )
    server = DevServer("--api", "confluent", "--config", str(config), "--lock-dir", str(LOCK))
    registry = SchemaRegistryClient({"url": server.url})
    yield registry
    registry.close()
    assert server.stop()[0] == 0


@pytest.mark.parametrize(("fixture", "track"), list(cases()))
def test_serializer_with_the_latest_version_follows_the_fixture_expectations(
    client: SchemaRegistryClient, fixture: Fixture, track: str
) -> None:
    assert fixture.error is None
    conf = {"auto.register.schemas": False, "use.latest.version": True}
    serializer = JSONSerializer(None, client, conf=conf)
    deserializer = JSONDeserializer(
        None, schema_registry_client=client, conf={"use.latest.version": True}
    )
    topic = f"{fixture.schema}-{track}"  # TopicNameStrategy: subject `{topic}-value`
    context = SerializationContext(topic, MessageField.VALUE)
    if fixture.expected == "invalid" and fixture.file.name not in FORMAT_ONLY:
        with pytest.raises(SerializationError):
            serializer(fixture.payload, context)
        return
    data = serializer(fixture.payload, context)
    assert data is not None
    latest = client.get_latest_version(f"{topic}-value")
    assert data[0] == 0 and int.from_bytes(data[1:5], "big") == latest.schema_id
    assert deserializer(data, context) == fixture.payload
