"""Shared helpers for the compatibility engine tests: the corpus, cached verdicts, validators."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import Draft7Validator, validator_for
from referencing import Registry

from registry_contract.compat import CompatResult, check_compatibility
from registry_contract.compat.documents import nullable_as_type

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


def real_validator(schema: Any, formats: bool = True) -> Any:
    """python-jsonschema for `schema`: its draft (draft-07 without `$schema`, the default
    dialect), formats asserted unless `formats` is off, nothing fetched."""
    schema = nullable_as_type(schema)
    cls = validator_for(schema, default=Draft7Validator)
    checker = cls.FORMAT_CHECKER if formats else None
    return cls(schema, format_checker=checker, registry=Registry())
