"""Keep credentials out of everything we print or write."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any, TypeVar, cast

from .errors import ConfigError

T = TypeVar("T")

SECRET_VARIABLES = ("REGISTRY_TOKEN", "REGISTRY_PASSWORD", "GITHUB_TOKEN", "GH_TOKEN")
MASK = "***"


def secret_values() -> list[str]:
    """The secret values present in the environment, longest first, each also as Python's repr
    and JSON quote it: a library's message (`'...' is not one of [...]`) holds the quoted form,
    which has a backslash doubled or a quote escaped where the value had one."""
    values = {os.environ.get(name, "") for name in SECRET_VARIABLES}
    quoted = {form for v in values for form in (repr(v)[1:-1], json.dumps(v)[1:-1])}
    return sorted((v for v in values | quoted if len(v) >= 4), key=len, reverse=True)


def check_credential(name: str, value: str | None) -> None:
    """Refuse, without showing it, a credential that cannot go into an HTTP header as it is: a
    line break, a control character or a character outside Latin-1 (it would also end or
    break the line of every message that quoted it)."""
    bad = next((i for i, c in enumerate(value or "") if ord(c) > 0xFF or not c.isprintable()), None)
    if bad is not None:
        raise ConfigError(
            f"{name} holds a line break, a control character or a character outside "
            f"Latin-1 (character {bad + 1}); its value is not shown",
            hint=f"set {name} again to the credential alone (no trailing newline)",
        )


def redact(text: str) -> str:
    """Replace every known secret value in `text` with ***."""
    for value in secret_values():
        text = text.replace(value, MASK)
    return text


def redact_data(value: T) -> T:
    """`value` with every secret redacted from each string in it (dataclasses, lists, dicts), so
    a renderer escapes text that holds no secret: JSON, XML and Markdown escaping would change a
    secret with '"', '&', '_' or '*' in it out of `redact`'s reach."""
    if not secret_values():
        return value
    return cast(T, _redacted(value))


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list | tuple):
        return type(value)(_redacted(v) for v in value)
    if isinstance(value, dict):
        return type(value)({_redacted(k): _redacted(v) for k, v in value.items()})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _redacted(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value
