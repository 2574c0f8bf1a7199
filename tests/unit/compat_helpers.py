"""Shared helpers for the compatibility engine tests: load the corpus of cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "compat"


def load_cases() -> list[dict[str, Any]]:
    """Every corpus case, each tagged with the file (keyword group) it comes from."""
    cases: list[dict[str, Any]] = []
    for path in sorted(CORPUS.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            cases.append({**case, "group": path.stem})
    return cases


def case_params() -> list[Any]:
    return [pytest.param(case, id=f"{case['group']}/{case['id']}") for case in load_cases()]


def options_of(case: dict[str, Any]) -> dict[str, Any]:
    return dict(case.get("options", {}))
