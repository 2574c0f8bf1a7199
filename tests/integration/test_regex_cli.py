"""ECMA-262 patterns through the CLI: a catastrophic regex returns, `$` ends the string."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "code": {"type": "string", "pattern": "^(a+)+$"},
        "venue": {"type": "string", "pattern": "^refinitiv$"},
    },
}


def write(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


def cli(root: Path, *words: str) -> subprocess.CompletedProcess[str]:
    # A hang guard, not a timing assertion: Python's re takes minutes on this payload.
    return subprocess.run(
        [sys.executable, "-m", "registry_contract", *words],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_catastrophic_pattern_and_dollar_before_newline_through_validate_and_gate(
    tmp_path: Path,
) -> None:
    write(tmp_path / "registry" / "a.Event" / "v1.json", SCHEMA)
    fixtures = tmp_path / "fixtures"
    write(fixtures / "valid" / "slow.json", {"code": "a" * 35 + "!"})
    write(fixtures / "invalid" / "newline.json", {"venue": "refinitiv\n"})
    config = {
        "registry": {"api": "static", "url": "registry"},
        "tracks": ["v1"],
        "schemas": {"a.Event": {"fixtures": "fixtures"}},
    }
    (tmp_path / "registry-contract.yml").write_text(yaml.safe_dump(config))
    assert cli(tmp_path, "lock").returncode == 0
    for command in ("validate", "gate"):
        done = cli(tmp_path, command, "--format", "json")
        assert done.returncode == 1, done.stderr
        findings = json.loads(done.stdout)["findings"]
        rules = sorted((Path(f["file"]).name, f["rule"]) for f in findings if f.get("file"))
        # The catastrophic pattern is evaluated (and fails); the negative fixture is rejected.
        assert rules == [("slow.json", "pattern")], (command, findings)
