"""Compatibility with catastrophic and ECMA-only regexes, through `compat` and the gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_regex_cli import cli  # the CLI in a subprocess, with a hang guard

from registry_contract.validation.validators import SchemaValidator

# Python's re takes minutes to fail each of these on a 35-character string.
STAR = "^(a+)+$"
ALT = "^(a|aa)+$"
PAIR = "(x+x+)+y"
STRING = {"type": "string"}
# Strings each catastrophic regex fails on slowly under Python's re.
SLOW_A = "a" * 35 + "!"
SLOW_AA = "a" * 40 + "!"
SLOW_X = "x" * 30


def compat(tmp_path: Path, old: Any, new: Any) -> tuple[int, dict[str, Any]]:
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    done = cli(tmp_path, "compat", "old.json", "new.json", "--format", "json")
    assert done.stderr == "", done.stderr
    return done.returncode, json.loads(done.stdout)


def gate_validator(schema: Any) -> SchemaValidator:
    return SchemaValidator(schema, label="test", formats=True)


def assert_confirmed(change: dict[str, Any], old: Any, new: Any) -> None:
    """The witness is valid under the version that allows more and invalid under the other,
    by the gate's validator (jsonschema-rs, ECMA-262)."""
    source, target = (old, new) if change["direction"] == "narrows" else (new, old)
    assert change["has_witness"], change
    assert gate_validator(source).is_valid(change["witness"]), change
    assert not gate_validator(target).is_valid(change["witness"]), change


def string_with(pattern: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern, **more}


def object_with(**keywords: Any) -> dict[str, Any]:
    return {"type": "object", **keywords}


BREAKING = [
    # A value, a property name and a sample that Python's re would take minutes to fail.
    pytest.param(
        {"enum": [SLOW_A]}, string_with(STAR), "pattern-added", SLOW_A, id="listed-value-is-slow"
    ),
    pytest.param(
        object_with(required=[SLOW_AA]),
        object_with(propertyNames={"pattern": ALT}),
        "property-names-narrowed",
        {SLOW_AA: None},
        id="required-name-is-slow-for-property-names",
    ),
    pytest.param(
        object_with(properties={SLOW_A: STRING}),
        object_with(patternProperties={STAR: {"type": "integer"}}),
        "pattern-property-added",
        None,
        id="declared-name-is-slow-for-pattern-properties",
    ),
    pytest.param(
        string_with("^x+$", minLength=30),
        string_with(PAIR),
        "pattern-changed",
        SLOW_X,
        id="sample-is-slow-for-new-pattern",
    ),
    pytest.param(STRING, string_with(STAR), "pattern-added", "", id="pattern-added-in-new"),
    pytest.param(
        string_with(STAR),
        string_with(STAR, maxLength=3),
        "max-length-added",
        "aaaa",
        id="pattern-in-both-length-narrowed",
    ),
    pytest.param(
        object_with(patternProperties={STAR: {"type": "string"}}),
        object_with(patternProperties={STAR: {"type": "integer"}}),
        "type-narrowed",
        {"a": ""},
        id="pattern-properties-in-both-type-narrowed",
    ),
    pytest.param(
        object_with(patternProperties={PAIR: STRING}),
        object_with(patternProperties={PAIR: STRING}, additionalProperties=False),
        "additional-properties-narrowed",
        None,
        id="pattern-properties-in-both-closed",
    ),
    pytest.param(
        object_with(),
        object_with(propertyNames={"pattern": PAIR}),
        "property-names-narrowed",
        {"": None},
        id="property-names-added-in-new",
    ),
    pytest.param(
        object_with(propertyNames={"pattern": PAIR}),
        object_with(propertyNames={"pattern": ALT}),
        "pattern-changed",
        {"xxy": None},
        id="property-names-changed-in-both",
    ),
    # ECMA-262: `$` ends the string (Python's re also accepts "abc\n").
    pytest.param(
        {"enum": ["abc", "abc\n"]},
        string_with("^abc$"),
        "pattern-added",
        "abc\n",
        id="dollar-does-not-match-before-a-final-newline",
    ),
    # ECMA-262 only: Python's re cannot read `\p{L}`.
    pytest.param(
        string_with("^\\p{L}+$"),
        string_with("^[a-z]+$"),
        "pattern-changed",
        "é",
        id="unicode-property-class-narrowed",
    ),
]


@pytest.mark.parametrize(("old", "new", "rule", "witness"), BREAKING)
def test_catastrophic_or_ecma_only_regex_gives_a_break_with_a_confirmed_witness(
    tmp_path: Path, old: Any, new: Any, rule: str, witness: Any
) -> None:
    code, result = compat(tmp_path, old, new)
    assert code == 1
    assert not result["compatible"]
    proven = [c for c in result["changes"] if c["breaking"] and c["rule"] == rule]
    assert proven, result["changes"]
    assert_confirmed(proven[0], old, new)
    if witness is not None:
        assert proven[0]["witness"] == witness


UNDECIDABLE = [
    # Equal languages (a+), which only automata would show: the engine must not guess.
    pytest.param(string_with(STAR), string_with(ALT), "/pattern", id="two-catastrophic-patterns"),
    pytest.param(
        object_with(patternProperties={STAR: STRING}),
        object_with(patternProperties={ALT: STRING}, additionalProperties=False),
        None,
        id="catastrophic-pattern-properties-replaced",
    ),
    # Not ECMA-262 (Python reads `{,3}` as a repeat): no string can be tested against it.
    pytest.param(string_with("^a{,3}$"), string_with("^a$"), "", id="regex-that-is-not-ecma-262"),
]


@pytest.mark.parametrize(("old", "new", "path"), UNDECIDABLE)
def test_regex_the_engine_cannot_compare_is_undecidable_never_a_guess(
    tmp_path: Path, old: Any, new: Any, path: str | None
) -> None:
    code, result = compat(tmp_path, old, new)
    assert code == 1
    breaking = [c for c in result["changes"] if c["breaking"]]
    assert breaking
    for change in breaking:
        if change["rule"].startswith("undecidable-"):
            assert not change["has_witness"]
        else:
            assert_confirmed(change, old, new)
    undecided = [c for c in breaking if c["rule"] == "undecidable-pattern"]
    assert undecided, breaking
    if path is not None:
        assert {c["path"] for c in undecided} == {path}


COMPATIBLE = [
    pytest.param(string_with(STAR), string_with(STAR, title="code"), id="pattern-unchanged"),
    pytest.param(
        string_with(STAR, maxLength=3), string_with(STAR), id="length-limit-dropped-beside-pattern"
    ),
    pytest.param(
        object_with(propertyNames={"pattern": PAIR}, patternProperties={ALT: STRING}),
        object_with(patternProperties={ALT: STRING}),
        id="property-names-dropped",
    ),
]


@pytest.mark.parametrize(("old", "new"), COMPATIBLE)
def test_widening_beside_a_catastrophic_regex_is_compatible(
    tmp_path: Path, old: Any, new: Any
) -> None:
    code, result = compat(tmp_path, old, new)
    assert (code, result["compatible"]) == (0, True), result["changes"]


def event(**code: Any) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"code": {"type": "string", "pattern": STAR, **code}},
        "patternProperties": {PAIR: STRING},
        "propertyNames": {"pattern": ALT + "|" + PAIR + "|^code$"},
    }


def gate(tmp_path: Path, v2: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    for track, schema in (("v1", event()), ("v2", v2)):
        path = tmp_path / "registry" / "a.Event" / f"{track}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema))
    config = {
        "registry": {"api": "static", "url": "registry"},
        "tracks": ["v2", "v1"],  # preference order: newest first
        "compatibility": "BACKWARD",
        "schemas": {"a.Event": {}},
    }
    (tmp_path / "registry-contract.yml").write_text(yaml.safe_dump(config))
    locked = cli(tmp_path, "lock")
    assert locked.returncode == 0, locked.stderr
    done = cli(tmp_path, "gate", "--format", "json")
    return done.returncode, json.loads(done.stdout)


def test_gate_v1_to_v2_with_catastrophic_regexes_is_compatible_when_only_widened(
    tmp_path: Path,
) -> None:
    code, report = gate(tmp_path, event(description="any code"))
    assert code == 0, report["findings"]
    assert [c["compatible"] for c in report["compat"]] == [True]


def test_gate_v1_to_v2_with_catastrophic_regexes_reports_the_proven_break(tmp_path: Path) -> None:
    v2 = event(maxLength=3)
    code, report = gate(tmp_path, v2)
    assert code == 1
    breaking = [f for f in report["findings"] if f["kind"] == "breaking-change"]
    assert [(f["rule"], f["path"], f["track"]) for f in breaking] == [
        ("max-length-added", "/properties/code/maxLength", "v2")
    ]
    witness = breaking[0]["witness"]
    assert gate_validator(event()).is_valid(witness)
    assert not gate_validator(v2).is_valid(witness)
