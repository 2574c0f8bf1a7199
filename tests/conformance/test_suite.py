"""The official JSON-Schema-Test-Suite, drafts 4 to 2020-12, through the gate's own path: in
process (`check_remote_refs`, `SchemaValidator` with the remotes as locked documents), and end to
end (`lock` a folder registry of its schemas and remotes, then `registry-contract validate`
fixture folders of its tests, one run per draft and `formats` setting)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from registry_contract.validation.metaschema import find_schema_error

from registry_contract.cli import main
from registry_contract.errors import LockError
from registry_contract.validation.validators import LockedRefs, SchemaValidator, check_remote_refs
from support.schema_suite import (
    DIALECT_BY_FOLDER,
    NEEDS_SUITE,
    SuiteGroup,
    as_locked,
    load_groups,
    load_remotes,
    require_suite,
)
from support.suite_tally import LEFT_OUT, LEFT_OUT_CLI, Tally, formats_for, rs_alone_passes

pytestmark = NEEDS_SUITE


def locked_refs(folder: str) -> LockedRefs:
    """The suite's remotes as `build_locked_refs` finds them in a lock: by `$id` (or `id`)."""
    pairs = []
    for url, remote in load_remotes(folder).items():
        document = as_locked(url, remote, folder)
        if isinstance(document, dict):
            pairs.append((document.get("$id", document.get("id")), document))
    return LockedRefs(pairs)


def verdicts(group: SuiteGroup, refs: LockedRefs) -> list[bool]:
    """Whether the gate's path gets each test of the group right, its explanations included."""
    default = DIALECT_BY_FOLDER[group.folder]
    label = group.id
    try:
        check_remote_refs(group.schema, set(refs), label, default)
        validator = SchemaValidator(
            group.schema,
            label=label,
            formats=formats_for(group),
            registry=refs,
            default_dialect=default,
        )
        right = []
        for test in group.tests:
            valid = validator.is_valid(test.data)
            issues = [] if valid else validator.check(test.data)
            explained = valid or (bool(issues) and all(i.keyword and i.message for i in issues))
            right.append(valid is test.valid and explained)
        return right
    except LockError:
        return [False] * len(group.tests)


@pytest.mark.parametrize("folder", list(DIALECT_BY_FOLDER))
def test_suite_passes_in_process(folder: str, capsys: pytest.CaptureFixture[str]) -> None:
    require_suite()
    refs = locked_refs(folder)
    tally = Tally(folder)
    baseline = 0
    for group in load_groups(folder):
        tally.add(group, verdicts(group, refs))
        if group.optional:
            baseline += rs_alone_passes(group)
    with capsys.disabled():
        print(f"\n{tally.summary()} (jsonschema-rs alone: optional {baseline})")
    assert tally.required_failures == [], tally.required_failures[:20]
    assert tally.optional_passed >= baseline


def test_left_out_groups_exist() -> None:
    """Every left-out group names a real group, so the list cannot go stale."""
    require_suite()
    ids = {g.id for folder in DIALECT_BY_FOLDER for g in load_groups(folder)}
    assert set(LEFT_OUT) | set(LEFT_OUT_CLI) <= ids


# -- end to end, through the CLI ------------------------------------------------------------

TRACK = "v1"


def schema_name(group: SuiteGroup) -> str:
    return group.id.replace("/", ".").replace("#", ".")


def write_json(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


def write_project(root: Path, folder: str, groups: list[SuiteGroup]) -> tuple[list[str], set[str]]:
    """The registry folder and the fixture folders; returns the remotes' schema names and
    their `$id`s."""
    remotes: list[str] = []
    known: set[str] = set()
    default = DIALECT_BY_FOLDER[folder]
    documents = {url: as_locked(url, r, folder) for url, r in load_remotes(folder).items()}
    ids = {d.get("$id", d.get("id")) for d in documents.values() if isinstance(d, dict)}
    for index, (_, document) in enumerate(sorted(documents.items())):
        if not usable_remote(document, ids, default):
            continue
        name = f"remote.{index}"
        write_json(root / "registry" / name / f"{TRACK}.json", document)
        remotes.append(name)
        known.add(document.get("$id", document.get("id")))
    for group in groups:
        name = schema_name(group)
        write_json(root / "registry" / name / f"{TRACK}.json", group.schema)
        for expected, valid in (("valid", True), ("invalid", False)):
            lines = [json.dumps(t.data) for t in group.tests if t.valid is valid]
            if lines:
                target = root / "fixtures" / name / expected / "cases.jsonl"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("\n".join(lines) + "\n")
    return remotes, known


def usable_remote(document: Any, known: set[str], default: str) -> bool:
    """Whether a shared remote is a schema of this draft: those written for later drafts (with
    `$defs`, say) are never reached by this draft's tests."""
    if find_schema_error(document, default) is not None:
        return False
    try:
        check_remote_refs(document, known, "remote", default)
    except LockError:
        return False
    return True


def write_config(path: Path, folder: str, names: Iterable[str], *, formats: bool) -> None:
    config = {
        "registry": {"api": "static", "url": "registry"},
        "lock-dir": "lock",
        "tracks": [TRACK],
        "default-dialect": DIALECT_BY_FOLDER[folder],
        "formats": formats,
        "schemas": {n: {"fixtures": f"fixtures/{n}"} for n in names},
    }
    path.write_text(yaml.safe_dump(config))


def failed_lines(report: Path) -> set[tuple[str, str, int]]:
    """(schema, valid or invalid, line) of every fixture the gate got wrong."""
    failed = set()
    for finding in json.loads(report.read_text())["findings"]:
        if finding.get("line") is not None and finding.get("file"):
            expected = Path(finding["file"]).parent.name
            failed.add((finding["schema"], expected, int(finding["line"])))
    return failed


@pytest.mark.parametrize("folder", list(DIALECT_BY_FOLDER))
def test_suite_passes_through_validate(
    folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    require_suite()
    groups = [g for g in load_groups(folder) if g.id not in LEFT_OUT and g.id not in LEFT_OUT_CLI]
    remotes, known = write_project(tmp_path, folder, groups)
    monkeypatch.chdir(tmp_path)
    # The gate refuses to run at all on a schema with a $ref outside the lock (exit 4), so an
    # (optional) group reaching another draft's remotes is counted as failed, not run.
    unrunnable = {
        g.id for g in groups if not usable_remote(g.schema, known, DIALECT_BY_FOLDER[folder])
    }
    groups = [g for g in groups if g.id not in unrunnable]
    everything = [*remotes, *map(schema_name, groups)]
    write_config(tmp_path / "lock.yml", folder, everything, formats=False)
    assert main(["lock", "--config", "lock.yml"]) == 0, capsys.readouterr().err
    failed: set[tuple[str, str, int]] = set()
    for formats in (False, True):
        names = [schema_name(g) for g in groups if formats_for(g) is formats]
        config = tmp_path / f"formats-{formats}.yml"
        write_config(config, folder, [*remotes, *names], formats=formats)
        report = tmp_path / f"report-{formats}.json"
        code = main(["validate", "--config", str(config), "--report", str(report)])
        assert code in (0, 1), capsys.readouterr().err
        failed |= failed_lines(report)
    capsys.readouterr()
    tally = Tally(folder)
    for group in load_groups(folder):
        if group.id in LEFT_OUT_CLI:
            tally.left_out += len(group.tests)
        elif group.id in unrunnable or group.id in LEFT_OUT:
            tally.add(group, [False] * len(group.tests))
    for group in groups:
        line_by_expectation = {"valid": 0, "invalid": 0}
        right = []
        for test in group.tests:
            expected = "valid" if test.valid else "invalid"
            line_by_expectation[expected] += 1
            line = line_by_expectation[expected]
            right.append((schema_name(group), expected, line) not in failed)
        tally.add(group, right)
    with capsys.disabled():
        print(f"\nvalidate, {tally.summary()}")
    assert tally.required_failures == [], tally.required_failures[:20]
