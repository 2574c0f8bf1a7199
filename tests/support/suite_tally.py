"""Pass counts of the JSON-Schema-Test-Suite, the groups left out and why, and the baseline."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from typing import Any

from support.schema_suite import DIALECT_BY_FOLDER, SuiteGroup, load_remotes

# Required groups the gate cannot pass by design, each with its reason (docs/validation.md).
LEFT_OUT: dict[str, str] = {
    "draft2019-09/refRemote#11": "the remote's $id differs from the URL it is served at; a "
    "lock reaches a document by its $id alone",
    "draft2019-09/refRemote#12": "the remote's $id (a URN) differs from the URL it is served "
    "at; a lock reaches a document by its $id alone",
    "draft2020-12/refRemote#11": "the remote's $id differs from the URL it is served at; a "
    "lock reaches a document by its $id alone",
    "draft2020-12/refRemote#12": "the remote's $id (a URN) differs from the URL it is served "
    "at; a lock reaches a document by its $id alone",
}

# Required groups left out of the end-to-end run only, with the reason.
CUSTOM_METASCHEMA = (
    "$schema names a custom metaschema (another registry document): the lock checks each "
    "document against its draft's metaschema as it fetches it, so it refuses this one"
)
LEFT_OUT_CLI: dict[str, str] = {
    f"{folder}/vocabulary#{index}": CUSTOM_METASCHEMA
    for folder in ("draft2019-09", "draft2020-12")
    for index in (0, 1)
}


def formats_for(group: SuiteGroup) -> bool:
    """The `formats` setting a group is run with: the optional format files test assertions;
    everywhere else `format` is an annotation (2019-09 and 2020-12 require it)."""
    return group.file.startswith("optional/format/")


@dataclass
class Tally:
    """Passed and total tests of one draft, required and optional apart."""

    folder: str
    required_passed: int = 0
    required_total: int = 0
    optional_passed: int = 0
    optional_total: int = 0
    left_out: int = 0
    required_failures: list[str] = field(default_factory=list)

    def add(self, group: SuiteGroup, right: list[bool]) -> None:
        if group.optional:
            self.optional_total += len(right)
            self.optional_passed += sum(right)
            return
        if group.id in LEFT_OUT:
            self.left_out += len(right)
            return
        self.required_total += len(right)
        self.required_passed += sum(right)
        self.required_failures += [
            f"{group.id} {test.description!r}"
            for test, ok in zip(group.tests, right, strict=True)
            if not ok
        ]

    def summary(self) -> str:
        return (
            f"{self.folder}: required {self.required_passed}/{self.required_total}"
            f" ({self.left_out} left out), optional {self.optional_passed}/{self.optional_total}"
        )


def rs_alone_passes(group: SuiteGroup) -> int:
    """How many of the group's tests jsonschema-rs alone gets right, every remote registered
    by the URL the suite serves it at: the baseline the gate must reach."""
    import jsonschema_rs

    validator_class = _rs_draft(group.folder)[0]
    schema = group.schema
    try:
        registry = _rs_registry(group.folder)
        if isinstance(schema, dict) and "$schema" in schema:
            validator = jsonschema_rs.validator_for(
                schema, registry=registry, validate_formats=formats_for(group)
            )
        else:
            validator = validator_class(
                schema, registry=registry, validate_formats=formats_for(group)
            )
    except Exception:  # jsonschema-rs cannot compile the schema: every test counts as failed
        return 0
    right = 0
    for test in group.tests:
        with contextlib.suppress(Exception):  # a payload jsonschema-rs cannot take: failed
            right += validator.is_valid(test.data) is test.valid
    return right


def _rs_draft(folder: str) -> tuple[Any, Any]:
    import jsonschema_rs

    suffix = DIALECT_BY_FOLDER[folder].replace("draft", "").replace("-", "")
    return getattr(jsonschema_rs, f"Draft{suffix}Validator"), getattr(
        jsonschema_rs, f"Draft{suffix}"
    )


@functools.cache
def _rs_registry(folder: str) -> Any:
    """jsonschema-rs's Registry of the draft's remotes, fetched from memory by URL."""
    import jsonschema_rs

    remotes = load_remotes(folder)
    draft = _rs_draft(folder)[1]
    usable = []
    for url, document in remotes.items():
        try:  # a remote written for another draft's keywords cannot resolve its own $refs
            jsonschema_rs.Registry([(url, document)], draft=draft, retriever=remotes.__getitem__)
        except Exception:
            continue
        usable.append((url, document))
    return jsonschema_rs.Registry(usable, draft=draft, retriever=remotes.__getitem__)
