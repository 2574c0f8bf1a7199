"""Keep credentials out of everything we print or write."""

from __future__ import annotations

import os

SECRET_VARIABLES = ("REGISTRY_TOKEN", "REGISTRY_PASSWORD", "GITHUB_TOKEN", "GH_TOKEN")
MASK = "***"


def secret_values() -> list[str]:
    """The secret values present in the environment, longest first."""
    values = {os.environ.get(name, "") for name in SECRET_VARIABLES}
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)


def redact(text: str) -> str:
    """Replace every known secret value in `text` with ***."""
    for value in secret_values():
        text = text.replace(value, MASK)
    return text
