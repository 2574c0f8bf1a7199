"""The runtime's public data: modes, validation outcomes, resolved schemas and errors."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError, ContractError, ExitCode


class Mode(enum.StrEnum):
    """What the manager does with a payload: the rollout phases 2 to 4, or nothing."""

    OFF = "off"
    LOG = "log"
    SOFT = "soft"
    ENFORCE = "enforce"


@dataclass(frozen=True)
class ValidationIssue:
    """Why a payload failed; `message` may quote payload values, so it never goes to logs or
    metric labels."""

    path: str
    schema_path: str
    keyword: str
    message: str


@dataclass(frozen=True)
class ValidationOutcome:
    """The verdict on one payload; `is_valid, errors = outcome` unpacks."""

    is_valid: bool
    errors: list[str]
    issues: tuple[ValidationIssue, ...]
    name: str
    track: str
    version: int
    digest: str
    source: str
    mode: Mode
    reject: bool = False

    def __iter__(self) -> Iterator[Any]:
        return iter((self.is_valid, self.errors))


@dataclass(frozen=True)
class ResolvedSchema:
    """One schema document of one track, and where it came from."""

    name: str
    track: str
    version: int
    digest: str
    source: str
    document: dict[str, Any] = field(repr=False)
    fell_back: bool = False


class SchemaUnavailableError(ContractError):
    """No source can give this schema and track: not a payload verdict, never dead-letter."""

    exit_code = ExitCode.REGISTRY


class RuntimeConfigError(ConfigError):
    """A bad runtime setting (an unknown mode, a negative TTL), found at construction."""


class PayloadParseError(ValueError):
    """The payload's bytes are not JSON; the message is one line and quotes no payload."""


class NoErrors(list[str]):
    """The `errors` of every valid outcome: shared between calls, so it refuses changes."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the errors of a valid outcome are shared and cannot be changed")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
