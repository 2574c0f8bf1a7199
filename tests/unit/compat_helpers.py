"""Shared helpers for the compatibility engine tests: the corpus, cached verdicts, validators."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from registry_contract.compat import Change, CompatResult, check_compatibility
from registry_contract.compat.documents import Document, nullable_as_type
from registry_contract.compat.witness import shows
from registry_contract.validation.validators import SchemaValidator

CORPUS = Path(__file__).resolve().parents[1] / "data" / "compat"


@cache
def load_cases() -> tuple[dict[str, Any], ...]:
    """Every corpus case, each tagged with the file (keyword group) it comes from."""
    cases: list[dict[str, Any]] = []
    for path in sorted(CORPUS.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            cases.append({**case, "group": path.stem})
    return tuple(cases)


def case_params() -> list[Any]:
    return [pytest.param(case, id=case_id(case)) for case in load_cases()]


def case_id(case: dict[str, Any]) -> str:
    return f"{case['group']}/{case['id']}"


def options_of(case: dict[str, Any]) -> dict[str, Any]:
    return dict(case.get("options", {}))


_VERDICTS: dict[tuple[str, str], CompatResult] = {}


def verdict(case: dict[str, Any], level: str) -> CompatResult:
    """The engine's result for a corpus case at `level`, computed once per test session."""
    key = (case_id(case), level)
    if key not in _VERDICTS:
        _VERDICTS[key] = check_compatibility(case["old"], case["new"], level, **options_of(case))
    return _VERDICTS[key]


def real_validator(schema: Any, formats: bool = True, default_dialect: str | None = None) -> Any:
    """The gate's validator for `schema` (jsonschema-rs deciding, ECMA-262 regexes): its
    draft (draft-07 without `$schema`, the default dialect, unless another is given), formats
    asserted unless off, nothing fetched."""
    return SchemaValidator(
        nullable_as_type(schema),
        label="corpus",
        formats=formats,
        default_dialect=default_dialect or "draft7",
    )


def assert_proven(change: Change, old: Any, new: Any, options: dict[str, Any]) -> None:
    """A breaking change is undecidable, or its witness passes the source version under
    the gate's validator, fails the target, and the target rejects it at the change's own
    location (the pointer is read through `$ref` with the engine's Document). A change
    that breaks nothing carries no witness."""
    if not change.breaking or change.rule.startswith("undecidable-"):
        assert not change.has_witness, change
        return
    assert change.has_witness, change
    narrows = change.direction == "narrows"
    source, target = (old, new) if narrows else (new, old)
    where = change.new_path if narrows else change.old_path
    formats = options.get("formats", True)
    dialect = options.get("default_dialect")
    assert real_validator(source, formats, dialect).is_valid(change.witness), change
    assert not real_validator(target, formats, dialect).is_valid(change.witness), change
    doc = Document(target, "TARGET", dialect or "draft7", formats)
    reasons = doc.rejections(change.witness)
    assert reasons, change
    assert any(shows(r, where) for r in reasons), (change, reasons)
