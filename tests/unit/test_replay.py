from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from registry_contract.errors import UsageError
from registry_contract.replay import (
    ReplayResult,
    render_replay_json,
    render_replay_text,
    replay_samples,
)
from registry_contract.validation.validators import SchemaValidator

SCHEMA = {
    "type": "object",
    "required": ["id", "n"],
    "properties": {"id": {"format": "uuid"}, "n": {"type": "integer", "maximum": 10}},
}
UUID = "3f1c1a52-8a4b-4d55-9d0e-6b1f2f0c9a11"


def replay(path: Path, schema: Any = SCHEMA, first: int = 10) -> ReplayResult:
    result = ReplayResult(path.name, "s", "v1", 1)
    replay_samples(path, SchemaValidator(schema, label="s", formats=True), result, first)
    return result


def write_lines(path: Path, *lines: str) -> Path:
    path.write_bytes("\n".join(lines).encode() + b"\n")
    return path


def test_counts_passes_failures_per_rule_and_keeps_the_first_failures(tmp_path: Path) -> None:
    good = json.dumps({"id": UUID, "n": 1})
    path = write_lines(
        tmp_path / "s.jsonl",
        good,
        json.dumps({"id": UUID, "n": 11}),
        "",
        json.dumps({"n": "x"}),
        good,
        json.dumps({"id": UUID, "n": 12}),
    )
    result = replay(path, first=2)
    assert (result.samples, result.passed, result.failed, result.unparseable) == (5, 2, 3, 0)
    assert result.rules == {
        ("maximum", "/properties/n/maximum"): 2,
        ("required", "/required"): 1,
        ("type", "/properties/n/type"): 1,
    }
    assert [(f.line, f.rule, f.path) for f in result.failures] == [
        (2, "maximum", "/n"),
        (4, "required", ""),
    ]
    assert result.failures[1].message.endswith("(and 1 more)")
    assert result.fast and result.pass_rate == pytest.approx(0.4)


def test_unparseable_and_non_utf8_lines_are_failures_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"id": "x"\n{"id": "\xff"}\n   \n')
    result = replay(path)
    assert (result.samples, result.unparseable, result.failed) == (2, 2, 2)
    assert result.rules == {("unparseable", ""): 2}
    first, second = result.failures
    assert first.line == 1 and first.message.startswith("not parseable as JSON: Expecting")
    assert second.line == 2 and second.message == "not parseable as JSON: not UTF-8"


def test_nan_and_infinity_are_not_json_samples(tmp_path: Path) -> None:
    schema = {"not": {"type": "string"}}
    lines = write_lines(tmp_path / "s.jsonl", "NaN", "-Infinity", "1e999", "[1.5]")
    result = replay(lines, schema)
    assert (result.samples, result.passed, result.unparseable) == (4, 1, 3)
    assert [f.message for f in result.failures] == [
        "not parseable as JSON: NaN is not a JSON value",
        "not parseable as JSON: -Infinity is not a JSON value",
        "not parseable as JSON: 1e999 is beyond the range of a JSON number (a double)",
    ]


def test_the_reference_wins_when_jsonschema_rs_is_stricter(tmp_path: Path) -> None:
    # jsonschema-rs wants canonical UUIDs; the reference's uuid.UUID also takes this one.
    odd = json.dumps({"id": "12345678-1234-1234-1234-1234-5678abcd", "n": 1})
    result = replay(write_lines(tmp_path / "s.jsonl", odd))
    assert (result.samples, result.passed, result.failures) == (1, 1, [])


def test_reads_gzip_by_its_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "day.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": "%s", "n": 1}\n{"n": 99}\n' % UUID.encode()))
    result = replay(path)
    assert (result.samples, result.passed) == (2, 1)


def test_a_corrupt_gzip_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "day.jsonl.gz"
    data = gzip.compress(b'{"n": 1}\n' * 100)
    path.write_bytes(data[: len(data) - 4])
    with pytest.raises(UsageError, match="cannot read"):
        replay(path)


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        replay(tmp_path / "missing.jsonl")


def test_reports_render_counts_rules_and_failing_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", json.dumps({"id": UUID, "n": 11}), "{")
    result = replay(path)
    text = render_replay_text(result)
    assert text.startswith("registry-contract: FAIL - s.jsonl against s@v1 (version 1)")
    assert "2 sample(s): 0 passed (0.00%), 2 failed (1 unparseable)" in text
    assert "1  maximum at /properties/n/maximum" in text
    assert "s.jsonl:1 at /n: 11 is greater than the maximum of 10 [maximum]" in text
    assert "s.jsonl:2: not parseable as JSON" in text
    data = json.loads(render_replay_json(result))
    assert data["result"] == "fail" and data["validator"] == "jsonschema-rs"
    assert data["rules"][0] == {
        "rule": "maximum",
        "schema_path": "/properties/n/maximum",
        "samples": 1,
    }
    assert data["failures"][0] == {
        "file": "s.jsonl",
        "line": 1,
        "path": "/n",
        "schema_path": "/properties/n/maximum",
        "rule": "maximum",
        "message": "11 is greater than the maximum of 10",
    }


def test_long_messages_are_shortened(tmp_path: Path) -> None:
    schema = {"enum": ["a"]}
    result = replay(write_lines(tmp_path / "s.jsonl", json.dumps("x" * 500)), schema)
    message = result.failures[0].message
    assert message[:200] == "'" + "x" * 199
    assert message.endswith("more characters cut)") and len(message) < 250


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzipped"])
def test_a_line_longer_than_the_cap_stops_the_run_naming_it(tmp_path: Path, gzipped: bool) -> None:
    lines = ["{}"] * 40 + ['"' + "x" * 300 + '"', "{}"]
    path = write_lines(tmp_path / "s.jsonl", *lines)
    if gzipped:
        path.write_bytes(gzip.compress(path.read_bytes()))
    validator = SchemaValidator(SCHEMA, label="s", formats=True)
    result = ReplayResult(path.name, "s", "v1", 1)
    with pytest.raises(UsageError, match=r"s\.jsonl: line 41 is longer than max-fixture-bytes"):
        replay_samples(path, validator, result, 10, max_line_bytes=64)
    result = ReplayResult(path.name, "s", "v1", 1)
    replay_samples(path, validator, result, 10, max_line_bytes=302)
    assert result.samples == 42
