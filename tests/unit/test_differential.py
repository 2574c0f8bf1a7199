"""The gate's verdict is jsonschema-rs's on every plain-JSON payload (docs/validation.md), and
every "invalid" comes with issues that name the path, the keyword and the schema location.

The independent side is a plain jsonschema-rs validator of the same draft and locked documents,
built here without the gate's code; python-jsonschema only words the issues.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from registry_contract.config import load_config
from registry_contract.errors import LockError
from registry_contract.fixtures import SUFFIXES, load_fixtures
from registry_contract.lock.reader import load_lock
from registry_contract.validation.fastpath import is_plain_json
from registry_contract.validation.validators import (
    SchemaValidator,
    build_ref_registry,
    check_remote_refs,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "tests" / "data" / "compat").glob("*.json"))
PAYLOAD_ROOTS = ("tests/contracts", "tests/data", "examples")
CONFIGS = [ROOT / "registry-contract.yml", *sorted(ROOT.glob("examples/*/registry-contract.yml"))]
PROFILE = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# Strings where regex dialects and format checkers are known to part ways.
TRICKY = [
    "",
    "a\n",
    "\ufeff",
    "\x1c",
    "\u0663",
    "e\u0301",
    "\u2028",
    "2026-11-02T09:15:00Z",
    "2026-11-02t09:15:00.5+01:00",
    "2026-12-31T23:59:60Z",
    "0000-01-01T00:00:00Z",
    "2026-11-02",
    "09:15:00Z",
    "3f1c1a52-8a4b-4d55-9d0e-6b1f2f0c9a11",
    "12345678-1234-1234-1234-1234-5678abcd",
    "a@b.example",
    "@",
    "127.0.0.1",
    "::1",
    "https://example.com/\u00e4",
    "/a/b",
    "P1D",
]


class Pair:
    """The gate's validator and an independent jsonschema-rs validator for one schema (read in
    draft 7 without `$schema`, the default `default-dialect`)."""

    def __init__(self, schema: Any, registry: Any = None, formats: bool = True) -> None:
        self.schema = schema
        self.checked = SchemaValidator(schema, label="diff", formats=formats, registry=registry)
        kwargs: dict[str, Any] = {"validate_formats": formats}
        if registry is not None:
            documents = [(uri, registry[uri].contents) for uri in registry]
            kwargs["registry"] = jsonschema_rs.Registry(documents, draft=jsonschema_rs.Draft7)
        if isinstance(schema, dict) and "$schema" in schema:
            self.independent = jsonschema_rs.validator_for(schema, **kwargs)
        else:
            self.independent = jsonschema_rs.Draft7Validator(schema, **kwargs)

    def assert_agree(self, payload: Any, exact: bool = False) -> None:
        if not is_plain_json(payload):
            return  # python-jsonschema decides those (NaN, tuples): not jsonschema-rs's to say
        expected = self.independent.is_valid(payload)
        assert self.checked.is_valid(payload) is expected, payload
        assert self.checked.passes_fast(payload) is expected, payload
        assert self.checked.passes_fast_json(payload) is expected, payload
        if exact or not expected:
            issues = self.checked.check(payload)
            assert bool(issues) is not expected, (payload, issues)
            assert all(i.keyword and i.message for i in issues), issues


def json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    """Arbitrary JSON whose objects tend to use the schema's property names, and whose strings
    include well-formed and almost well-formed values of the common formats."""
    strings = (
        st.text(max_size=6)
        | st.sampled_from(TRICKY)
        | st.uuids().map(str)
        | st.ip_addresses().map(str)
        | st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat())
        | st.from_regex(r"\A[a-z]{1,3}@[a-z]{1,3}\.[a-z]{2}\Z")
    )
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.integers(-30, 30).map(lambda i: i / 10)
        | strings
    )
    names = st.sampled_from(keys) | st.text(max_size=3) if keys else st.text(max_size=3)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=4),
        max_leaves=8,
    )


def property_names(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "patternProperties", "dependentRequired", "dependentSchemas"):
                found.update(value if isinstance(value, dict) else ())
            elif key == "required" and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str))
            found |= property_names(value)
    elif isinstance(node, list):
        for item in node:
            found |= property_names(item)
    return found


def payloads_for(schema: Any) -> st.SearchStrategy[Any]:
    """Valid-looking payloads from hypothesis-jsonschema where it can, and arbitrary JSON."""
    values = json_values(sorted(property_names(schema)))
    try:
        flat = jsonschema_rs.dereference(schema)
        if "$ref" in json.dumps(flat):
            return values  # recursive: hypothesis-jsonschema cannot generate it
        generated = from_schema(flat)
        generated.validate()
    except Exception:  # a schema hypothesis-jsonschema does not support
        return values
    return generated | values


# -- fixtures: every payload file in the repository against every locked schema ---------------


def _locked_pairs() -> Iterator[Any]:
    for config_path in CONFIGS:
        config = load_config(config_path)
        if not (config.lock_dir / "lock.json").is_file():
            continue
        lock = load_lock(config.lock_dir)
        registry = build_ref_registry(lock)
        for name, tracks in lock.entries.items():
            for track in tracks:
                label = f"{config_path.parent.name}:{name}@{track}"
                yield pytest.param(lock.schema(name, track), registry, config.formats, id=label)
    sarif = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
    yield pytest.param(json.loads(sarif.read_text()), None, True, id="sarif-2.1.0")


LOCKED = list(_locked_pairs())


@cache
def fixture_payloads() -> list[Any]:
    payloads = []
    for folder in PAYLOAD_ROOTS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES:
                payloads += [
                    f.payload for f in load_fixtures("s", None, "valid", path) if not f.error
                ]
    return payloads


@pytest.mark.parametrize(("schema", "registry", "formats"), LOCKED)
def test_every_fixture_payload_gets_the_same_verdict(
    schema: Any, registry: Any, formats: bool
) -> None:
    pair = Pair(schema, registry, formats)
    assert pair.checked.fast, pair.checked.slow_reason
    payloads = fixture_payloads()
    assert len(payloads) > 50
    for payload in payloads:
        pair.assert_agree(payload, exact=True)


@pytest.mark.parametrize(("schema", "registry", "formats"), LOCKED)
def test_generated_payloads_get_the_same_verdict(schema: Any, registry: Any, formats: bool) -> None:
    pair = Pair(schema, registry, formats)

    @settings(PROFILE, max_examples=100)
    @given(payloads_for(schema))
    def agree(payload: Any) -> None:
        pair.assert_agree(payload, exact=registry is not None)

    agree()


# -- the compatibility corpus: each case's old and new schema, on payloads of either ----------


def corpus_cases(path: Path) -> list[dict[str, Any]]:
    return [c for c in json.loads(path.read_text()) if isinstance(c, dict) and "old" in c]


def resolvable(schema: Any) -> bool:
    """Corpus cases may $ref documents that are not there; the reference cannot run those."""
    try:
        check_remote_refs(schema, set(), "corpus")
    except LockError:
        return False
    return True


def test_the_corpus_mostly_takes_the_fast_path() -> None:
    schemas = [c[side] for path in CORPUS for c in corpus_cases(path) for side in ("old", "new")]
    if not schemas:
        pytest.skip("no compatibility corpus in tests/data/compat")
    fast = sum(SchemaValidator(s, label="corpus", formats=True).fast for s in schemas)
    assert fast >= 0.9 * len(schemas), f"only {fast} of {len(schemas)} corpus schemas are fast"


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_schemas_agree_on_payloads_of_either_side(path: Path) -> None:
    cases = corpus_cases(path)
    pairs: dict[int, tuple[list[Pair], st.SearchStrategy[Any]]] = {}

    def prepared(index: int) -> tuple[list[Pair], st.SearchStrategy[Any]]:
        if index not in pairs:
            old, new = cases[index]["old"], cases[index]["new"]
            checked = [Pair(s) for s in (old, new) if resolvable(s)]
            pairs[index] = (checked, payloads_for(old) | payloads_for(new))
        return pairs[index]

    @settings(PROFILE, max_examples=min(60, 2 * len(cases)))
    @given(st.data())
    def agree(data: st.DataObject) -> None:
        checked, payloads = prepared(data.draw(st.integers(0, len(cases) - 1), label="case"))
        payload = data.draw(payloads, label="payload")
        for pair in checked:
            pair.assert_agree(payload)

    agree()
