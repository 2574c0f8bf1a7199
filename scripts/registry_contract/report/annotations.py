"""GitHub workflow commands (`::error file=...::message`) for the violations of a run."""

from __future__ import annotations

from ..model import Finding, GateResult
from ..redact import redact
from ..text import one_line
from .locations import Locations

# GitHub shows at most 10 error (and 10 warning) annotations per step; the rest are counted
# in the step summary instead of being printed where nobody sees them.
MAX_ANNOTATIONS = 10

_TITLE_BY_KIND = {
    "invalid-fixture": "Invalid fixture",
    "breaking-change": "Breaking change",
    "drift": "Registry drift",
    "fallback": "Track fallback",
}


def escape_data(text: str) -> str:
    """Escape a workflow command's message as the runner requires (its line breaks come back in
    the annotation); the other breaks and control characters become visible escapes."""
    return one_line(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: the message escapes plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_command(command: str, message: str, **properties: str | int | None) -> str:
    """One workflow command line; properties that are None are left out. Secrets are redacted
    before escaping, which would otherwise change a secret with a '%', ':' or ',' in it."""
    props = ",".join(
        f"{key}={escape_property(redact(str(value)))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{command}{' ' + props if props else ''}::{escape_data(redact(message))}"


def annotated_findings(result: GateResult) -> list[Finding]:
    """The findings worth an annotation in the diff: the violations, in report order."""
    return result.violations


def hidden_annotations(result: GateResult) -> int:
    """How many violations get no annotation because of GitHub's per-step limit."""
    return max(0, len(annotated_findings(result)) - MAX_ANNOTATIONS)


def render_annotations(result: GateResult, locations: Locations | None = None) -> list[str]:
    """The first MAX_ANNOTATIONS violations as `::error` lines (`::warning` in warn mode)."""
    where = locations or Locations()
    command = "warning" if result.mode == "warn" else "error"
    lines = []
    for finding in annotated_findings(result)[:MAX_ANNOTATIONS]:
        title = f"{_TITLE_BY_KIND.get(finding.kind, finding.kind)}: {finding.rule}"
        file = where.file_of(finding)
        lines.append(
            format_command(
                command,
                annotation_message(finding),
                file=file,
                line=finding.line if file else None,
                title=title,
            )
        )
    return lines


def annotation_message(finding: Finding) -> str:
    target = f"{finding.schema}@{finding.track}" if finding.track else finding.schema
    at = f" (at {finding.path})" if finding.path else ""
    return f"{target}: {finding.message}{at}"
