from __future__ import annotations

from pathlib import Path

import pytest

from registry_contract.fixtures import (
    discover_fixture_files,
    load_fixtures,
    parse_json,
    scan_fixtures,
)
from registry_contract.yamlio import C_LOADER, find_line, load_yaml


def touch(path: Path, text: str = "{}") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_discovery_covers_shared_and_per_track_folders(tmp_path: Path) -> None:
    touch(tmp_path / "valid" / "a.json")
    touch(tmp_path / "invalid" / "nested" / "b.yaml")
    touch(tmp_path / "v2" / "valid" / "c.jsonl")
    touch(tmp_path / "v1" / "invalid" / "d.ndjson")
    touch(tmp_path / "v1" / "valid" / "notes.txt")
    found = [
        (t, e, p.relative_to(tmp_path).as_posix()) for t, e, p in discover_fixture_files(tmp_path)
    ]
    assert found == [
        (None, "valid", "valid/a.json"),
        (None, "invalid", "invalid/nested/b.yaml"),
        ("v1", "invalid", "v1/invalid/d.ndjson"),
        ("v2", "valid", "v2/valid/c.jsonl"),
    ]


def test_discovery_finds_and_orders_files_as_pathlib_does(tmp_path: Path) -> None:
    valid = tmp_path / "valid"
    names = [
        "a-c.json", "a/b.json", "a.b/c.json", "a/b/c.yml", "A.JSON", "B.Yaml", "z.ndjson",
        "x.jsonl", ".json", "a.json.", "a..json", "sub dir/é.json", "deep/1/2/3/4.json",
        "notes.txt", "a-/b.json", "a/-b.json", "a0/b.json",
    ]  # fmt: skip
    for name in names:
        touch(valid / name)
    (valid / "loop").symlink_to(valid, target_is_directory=True)  # not entered
    (valid / "link.json").symlink_to(valid / "a-c.json")  # counted
    (valid / "dangling.json").symlink_to(valid / "absent.json")  # not a file
    (valid / "folder.json").mkdir()  # not a file
    found = [p for _, _, p in discover_fixture_files(tmp_path)]
    suffixes = {".json", ".yaml", ".yml", ".jsonl", ".ndjson"}
    expected = sorted(p for p in valid.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    assert found == expected
    assert len(found) == 15


def test_symlinks_out_of_the_folder_are_set_apart_and_inside_ones_kept(tmp_path: Path) -> None:
    root, outside = tmp_path / "fx", tmp_path / "elsewhere"
    touch(outside / "valid" / "x.json")
    real = touch(root / "valid" / "real.json")
    (root / "valid" / "alias.json").symlink_to(real)
    (root / "valid" / "out.json").symlink_to(outside / "valid" / "x.json")
    (root / "invalid").symlink_to(outside / "valid")
    (root / "v2").symlink_to(outside)
    scan = scan_fixtures(root)
    rel = [(t, e, p.relative_to(root).as_posix()) for t, e, p in scan.files]
    assert rel == [(None, "valid", "valid/alias.json"), (None, "valid", "valid/real.json")]
    refused = [(t, e, p.relative_to(root).as_posix()) for t, e, p in scan.outside]
    assert refused == [
        (None, "valid", "valid/out.json"),
        (None, "invalid", "invalid"),
        ("v2", "valid", "v2"),
    ]


def test_a_file_over_the_cap_is_a_fixture_error_read_no_further(tmp_path: Path) -> None:
    path = touch(tmp_path / "big.json", '{"a": "' + "x" * 100 + '"}')
    [fixture] = load_fixtures("s", None, "valid", path, max_bytes=50)
    assert fixture.rule == "fixture-too-large" and fixture.payload is None
    assert fixture.error == "larger than max-fixture-bytes (50 bytes), not read"
    assert load_fixtures("s", None, "valid", path, max_bytes=200)[0].payload == {"a": "x" * 100}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("NaN", "NaN is not a JSON value", id="nan"),
        pytest.param("[-Infinity]", "-Infinity is not a JSON value", id="infinity"),
        pytest.param('{"a": 1e400}', "1e400 is beyond the range", id="beyond-a-double"),
        pytest.param("[" * 100_000 + "]" * 100_000, "nested too deeply", id="deep"),
    ],
)
def test_strict_json_refuses_what_no_json_payload_holds(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_json(text)


def test_missing_fixture_folder_yields_nothing(tmp_path: Path) -> None:
    assert list(discover_fixture_files(tmp_path / "absent")) == []


def test_yaml_scalars_keep_their_json_meaning() -> None:
    data = load_yaml(
        "ts: 2026-11-02T09:15:00Z\nday: 2026-11-02\nanswer: yes\noff: off\nn: 010\nf: 1.5\nz: null\nt: true\n"
    )
    assert data == {
        "ts": "2026-11-02T09:15:00Z",
        "day": "2026-11-02",
        "answer": "yes",
        "off": "off",
        "n": 10,
        "f": 1.5,
        "z": None,
        "t": True,
    }


def test_the_c_yaml_loader_is_used_when_libyaml_is_present() -> None:
    import yaml

    assert hasattr(yaml, "CSafeLoader") == C_LOADER


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    path = touch(tmp_path / "valid" / "a.yaml", "base: &b {x: 1}\ncopy: *b\n")
    [fixture] = load_fixtures("s", None, "valid", path)
    assert fixture.error is not None and "aliases" in fixture.error
    assert fixture.line == 1  # the anchored node that is aliased later


def test_yaml_python_tags_are_refused(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.yaml", "x: !!python/object/apply:os.system ['true']\n")
    [fixture] = load_fixtures("s", None, "valid", path)
    assert fixture.error is not None


def test_jsonl_gives_one_payload_per_line_with_line_numbers(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.jsonl", '{"a": 1}\n\n{"a": 2}\n{broken\n')
    fixtures = load_fixtures("s", "v2", "valid", path)
    assert [(f.line, f.payload, f.error is None) for f in fixtures] == [
        (1, {"a": 1}, True),
        (3, {"a": 2}, True),
        (4, None, False),
    ]


def test_unparseable_json_is_a_fixture_with_an_error_and_a_line(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.json", '{\n  "a": 1,\n}\n')
    [fixture] = load_fixtures("s", None, "invalid", path)
    assert fixture.error is not None and fixture.error.startswith("not parseable")
    assert fixture.line == 3
    assert fixture.expected == "invalid"


@pytest.mark.parametrize(
    ("text", "pointer", "line"),
    [
        pytest.param("a: 1\nb:\n  c: 2\n", ["b", "c"], 3, id="yaml-mapping"),
        pytest.param("a: [1,\n  2]\n", ["a", 1], 2, id="yaml-sequence"),
        pytest.param('{\n  "a": {\n    "b": 1\n  }\n}\n', ["a", "b"], 3, id="json-as-yaml"),
        pytest.param("a: 1\n", ["missing"], 1, id="missing-key-gives-parent"),
    ],
)
def test_find_line_locates_a_pointer(text: str, pointer: list[str | int], line: int) -> None:
    assert find_line(text, pointer) == line
