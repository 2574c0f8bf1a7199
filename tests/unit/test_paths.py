from __future__ import annotations

import os
from pathlib import Path

import pytest

from registry_contract.lock.paths import _relative_to, resolve_path


def reference_relative_to(root: Path, path: Path) -> str:
    """What display paths were before resolving folders once: pathlib, component by component."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/ with fixtures, a symlinked folder and file inside, and links leading outside."""
    root = tmp_path / "root"
    (root / "fx" / "valid").mkdir(parents=True)
    (root / "fx" / "valid" / "a.json").write_text("{}")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "b.json").write_text("{}")
    os.symlink(root / "fx" / "valid", root / "linked-folder")
    os.symlink(root / "fx" / "valid" / "a.json", root / "linked-file.json")
    os.symlink(tmp_path / "outside" / "b.json", root / "fx" / "valid" / "out.json")
    os.symlink(tmp_path / "outside", root / "fx" / "out-folder")
    return root


CASES = [
    pytest.param("fx/valid/a.json", id="plain"),
    pytest.param("linked-folder/a.json", id="in-a-symlinked-folder"),
    pytest.param("linked-file.json", id="symlinked-file"),
    pytest.param("fx/valid/out.json", id="symlink-leading-outside"),
    pytest.param("fx/out-folder/b.json", id="folder-leading-outside"),
    pytest.param("fx/valid/../valid/a.json", id="dot-dot-folder"),
    pytest.param("fx/valid/missing.json", id="missing-file"),
    pytest.param("fx/valid/.", id="dot"),
    pytest.param("fx/valid/..", id="dot-dot"),
    pytest.param(".", id="the-root-itself"),
]


@pytest.mark.parametrize("relative", CASES)
def test_display_paths_are_what_pathlib_resolve_gives(tree: Path, relative: str) -> None:
    path = tree / relative
    assert resolve_path(str(path)) == str(path.resolve())
    assert _relative_to.__wrapped__(tree, path) == reference_relative_to(tree, path)


@pytest.mark.parametrize("relative", CASES)
def test_relative_paths_resolve_from_the_working_directory(
    tree: Path, relative: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    path = Path(relative)
    assert resolve_path(relative) == str(path.resolve())
    assert _relative_to.__wrapped__(Path(), path) == reference_relative_to(Path(), path)
