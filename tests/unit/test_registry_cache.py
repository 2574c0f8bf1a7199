from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry_contract.registry.cache import EtagCache, default_cache_path


def test_etag_cache_round_trips_and_forgets_urls_without_etag(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "etags.json"
    cache = EtagCache(path)
    cache.put("https://r.example/a", '"e1"', "sha-a")
    cache.put("https://r.example/b", '"e2"', "sha-b")
    cache.save()
    again = EtagCache(path)
    assert again.get("https://r.example/a") == ('"e1"', "sha-a")
    again.put("https://r.example/a", None, "sha-a2")
    again.save()
    assert set(json.loads(path.read_text())) == {"https://r.example/b"}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("{broken", id="not-json"),
        pytest.param("[]", id="not-an-object"),
        pytest.param('{"u": {"etag": 1, "sha256": "x"}}', id="bad-entry"),
    ],
)
def test_a_corrupt_cache_is_an_empty_cache(tmp_path: Path, content: str) -> None:
    path = tmp_path / "etags.json"
    path.write_text(content)
    assert EtagCache(path).get("u") is None


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = EtagCache(blocker / "etags.json")
    cache.put("u", '"e"', "s")
    cache.save()


def test_the_cache_lives_under_xdg_cache_home(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    assert default_cache_path(env) == tmp_path / "registry-contract" / "etags.json"
    assert default_cache_path({}).parts[-3:] == (".cache", "registry-contract", "etags.json")
