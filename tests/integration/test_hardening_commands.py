"""Hostile inputs through the commands the first hardening rounds did not cover: every printed
line stays one line, and a condition a user or a registry can cause is never exit 5."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

Cli = Callable[..., tuple[int, str, str]]
DATA = Path(__file__).resolve().parents[1] / "data" / "registry"
FORGED = "proj\n::error::forged\r::warning::also\u2028x"


def assert_lines_safe(*texts: str) -> None:
    """Each line is one of the tool's own: none forges a workflow command."""
    for text in texts:
        for line in text.splitlines():
            assert not line.lstrip().startswith("::"), line
        assert "\r" not in text and "\u2028" not in text


@pytest.fixture
def hostile_project(tmp_path: Path) -> Path:
    """A project over a folder registry, in a folder whose name forges workflow commands."""
    root = tmp_path / FORGED
    root.mkdir()
    shutil.copytree(DATA / "shop", root / "registry")
    config = {
        "registry": {"api": "static", "url": "registry"},
        "tracks": ["v2", "v1"],
        "schemas": {"shop.Order": None},
    }
    (root / "registry-contract.yml").write_text(yaml.safe_dump(config))
    return root


@pytest.mark.parametrize("damage", ["unreadable", "problems"])
def test_lock_and_verify_keep_a_hostile_folder_name_on_one_line(
    hostile_project: Path, cli: Cli, damage: str
) -> None:
    config = str(hostile_project / "registry-contract.yml")
    code, out, err = cli("--config", config, "lock")
    assert code == 0, err
    assert_lines_safe(out, err)
    lock_dir = hostile_project / "schemas-lock"
    code, out, err = cli("verify", "--lock-dir", str(lock_dir))
    assert code == 0 and out.count("\n") == 1
    assert_lines_safe(out, err)
    if damage == "unreadable":
        (lock_dir / "lock.json").write_text("not json")
    else:
        (lock_dir / "shop.Order" / "v2.json").write_text("{}")
    code, out, err = cli("--config", config, "lock")
    assert code == 0, err
    assert err.count("\n") == 1 and err.startswith("note: replacing ")
    assert "proj\\n::error::forged\\r::warning::also\\u2028x" in err
    assert_lines_safe(out, err)
