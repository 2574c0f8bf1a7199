"""The official JSON-Schema-Test-Suite, as python-jsonschema's source distribution ships it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# .ci/fetch-test-suite downloads jsonschema's sdist of this version and extracts its json/ here.
SUITE_VERSION = "4.26.0"
SUITE_DIR = Path(__file__).resolve().parents[2] / ".cache" / f"jsonschema-{SUITE_VERSION}" / "json"
REMOTES_URL = "http://localhost:1234/"
# Suite folder -> the `default-dialect` name its schemas without `$schema` are written in.
DIALECT_BY_FOLDER = {
    "draft4": "draft4",
    "draft6": "draft6",
    "draft7": "draft7",
    "draft2019-09": "2019-09",
    "draft2020-12": "2020-12",
}
HOW_TO_GET = (
    f"the JSON-Schema-Test-Suite is not in {SUITE_DIR}; run `bash .ci/fetch-test-suite` "
    "(it downloads python-jsonschema's source distribution, which carries it)"
)


@dataclass(frozen=True)
class SuiteTest:
    """One test of the suite: a payload and whether the group's schema accepts it."""

    description: str
    data: Any
    valid: bool


@dataclass(frozen=True)
class SuiteGroup:
    """One group of a suite file: a schema and its tests."""

    folder: str
    file: str  # relative to the folder, such as "optional/format/email.json"
    index: int
    description: str
    schema: Any
    tests: tuple[SuiteTest, ...]

    @property
    def optional(self) -> bool:
        return self.file.startswith("optional/")

    @property
    def id(self) -> str:
        return f"{self.folder}/{self.file.removesuffix('.json')}#{self.index}"


def suite_available() -> bool:
    return (SUITE_DIR / "tests" / "draft2020-12").is_dir()


# Without the suite the conformance tests skip, saying how to get it; in CI (CI=true) they run
# and fail on `require_suite`, so that a CI run never passes without them.
NEEDS_SUITE = pytest.mark.skipif(
    not suite_available() and os.environ.get("CI", "").lower() != "true", reason=HOW_TO_GET
)


def require_suite() -> None:
    if not suite_available():
        pytest.fail(HOW_TO_GET)


def load_groups(folder: str) -> Iterator[SuiteGroup]:
    """Every group of one draft's folder, required and optional, in file order."""
    root = SUITE_DIR / "tests" / folder
    for path in sorted(root.rglob("*.json")):
        file = path.relative_to(root).as_posix()
        for index, group in enumerate(json.loads(path.read_bytes())):
            tests = tuple(
                SuiteTest(t["description"], t["data"], t["valid"]) for t in group["tests"]
            )
            yield SuiteGroup(folder, file, index, group["description"], group["schema"], tests)


def load_remotes(folder: str) -> dict[str, Any]:
    """The remote documents one draft's tests may reach, by the URL they reach them at: the
    shared ones and the draft's own folder."""
    root = SUITE_DIR / "remotes"
    remotes = {}
    for path in sorted(root.rglob("*.json")):
        relative = path.relative_to(root).as_posix()
        top = relative.split("/")[0]
        if top.startswith("draft") and top != folder:
            continue
        remotes[REMOTES_URL + relative] = json.loads(path.read_bytes())
    return remotes


def as_locked(url: str, document: Any, folder: str) -> Any:
    """A remote as a lock serves it: a lock reaches a document by its `$id` (`id` in draft 4)
    alone, so one without an identifier gets its URL as one (which changes nothing else)."""
    if not isinstance(document, dict) or "$id" in document or "id" in document:
        return document
    draft4 = document.get("$schema", DIALECT_BY_FOLDER[folder]) in (
        "draft4",
        "http://json-schema.org/draft-04/schema#",
    )
    return {"id" if draft4 else "$id": url, **document}
