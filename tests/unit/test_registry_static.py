from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry_contract.errors import RegistryError
from registry_contract.registry.static import FolderClient, static_version


@pytest.mark.parametrize(
    ("document", "version"),
    [
        pytest.param({}, 1, id="none"),
        pytest.param({"x-version": 7}, 7, id="annotated"),
        pytest.param({"x-version": "7"}, 1, id="string"),
        pytest.param({"x-version": 0}, 1, id="zero"),
        pytest.param({"x-version": True}, 1, id="boolean"),
        pytest.param({"version": 7}, 1, id="plain-version-key-is-ignored"),
    ],
)
def test_static_version_rule(document: dict[str, Any], version: int) -> None:
    assert static_version(document) == version


def test_folder_client_reads_tracks_and_lists_schemas(tmp_path: Path) -> None:
    (tmp_path / "a.Event").mkdir()
    (tmp_path / "a.Event" / "v1.json").write_text(json.dumps({"type": "object", "x-version": 3}))
    (tmp_path / "a.Event" / "v2.json").write_text("{nope")
    client = FolderClient(tmp_path)
    fetched = client.fetch("a.Event", "v1")
    assert fetched is not None and fetched.version == 3
    assert client.fetch("a.Event", "v9") is None
    assert client.list_versions("a.Event", "v1") == [3]
    assert client.fetch_version("a.Event", "v1", 2) is None
    assert client.list_schemas() == {"a.Event": ["v1", "v2"]}
    with pytest.raises(RegistryError, match=r"v2\.json: not valid JSON"):
        client.fetch("a.Event", "v2")
    assert client.stats.to_dict()["requests"] == 5


def test_folder_client_needs_the_folder(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"static registry folder .* does not exist"):
        FolderClient(tmp_path / "missing")
