"""The services' side: a schema manager that validates live payloads against the locked contract."""

from __future__ import annotations

from .manager import SchemaManager
from .model import (
    Mode,
    PayloadParseError,
    ResolvedSchema,
    RuntimeConfigError,
    SchemaUnavailableError,
    ValidationIssue,
    ValidationOutcome,
)

__all__ = [
    "Mode",
    "PayloadParseError",
    "ResolvedSchema",
    "RuntimeConfigError",
    "SchemaManager",
    "SchemaUnavailableError",
    "ValidationIssue",
    "ValidationOutcome",
]
