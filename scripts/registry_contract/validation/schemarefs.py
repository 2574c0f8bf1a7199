"""Where a schema's references point, under each draft's rules for identifiers and base URIs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

from .metaschema import draft_of_dialect, is_known_dialect

# Where each draft keeps subschemas; a `$ref` or an `$id` anywhere else (under `enum`, `const`,
# an unknown keyword) is data, not a reference or a resource.
SINGLE_SCHEMA = (
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
)
LIST_OF_SCHEMAS = ("allOf", "anyOf", "items", "oneOf", "prefixItems")
MAP_OF_SCHEMAS = (
    "$defs",
    "definitions",
    "dependencies",
    "dependentSchemas",
    "patternProperties",
    "properties",
)
REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
# Drafts in which `$ref` makes every keyword beside it ignored, `$id` (or `id`) included; the
# subschemas beside it are still walked, as a `$ref` may point into them.
REF_OVERRIDES = frozenset(
    {"Draft3Validator", "Draft4Validator", "Draft6Validator", "Draft7Validator"}
)
# Both python-jsonschema and jsonschema-rs ship every draft's metaschemas (and 2019-09's and
# 2020-12's vocabularies), so a `$ref` to one resolves offline.
BUNDLED_PREFIXES = (
    "http://json-schema.org/draft-03/schema",
    "http://json-schema.org/draft-04/schema",
    "http://json-schema.org/draft-06/schema",
    "http://json-schema.org/draft-07/schema",
    "https://json-schema.org/draft/2019-09/",
    "https://json-schema.org/draft/2020-12/",
)


@dataclass
class RefScan:
    """A document's own resources (its base URI and every embedded `$id`), each reference with
    the absolute URI of the document it points into, and whether any subschema has a regex
    (`pattern`, `patternProperties`)."""

    resources: set[str] = field(default_factory=set)
    refs: list[tuple[str, str]] = field(default_factory=list)
    regexes: bool = False

    @property
    def remote(self) -> Iterator[tuple[str, str]]:
        """The references that leave the document: (as written, target document URI)."""
        for ref, target in self.refs:
            if target and target not in self.resources:
                yield ref, target


def is_bundled(uri: str) -> bool:
    """Whether `uri` is an official metaschema or vocabulary, resolved from the bundled copies."""
    return uri.startswith(BUNDLED_PREFIXES)


def scan_refs(document: Any, dialect: str, base: str = "") -> RefScan:
    """Walk `document`, read in `dialect` unless it names its own, from base URI `base`.

    An explicit stack rather than recursion: a schema nested thousands deep is walked, not a
    RecursionError (its depth is the lock's and the validators' concern).
    """
    scan = RefScan()
    root_scope = urldefrag(base).url
    if not isinstance(document, dict):
        scan.resources.add(root_scope)
        return scan
    pending = [(document, draft_of_dialect(dialect), root_scope, True)]
    while pending:
        node, draft, scope, root = pending.pop()
        draft, scope = _visit(node, draft, scope, scan, root=root)
        for keyword, value in node.items():
            if keyword in SINGLE_SCHEMA and isinstance(value, dict):
                pending.append((value, draft, scope, False))
            if keyword in LIST_OF_SCHEMAS and isinstance(value, list):
                children = value
            elif keyword in MAP_OF_SCHEMAS and isinstance(value, dict):
                children = list(value.values())
            else:
                continue
            pending += [(item, draft, scope, False) for item in children if isinstance(item, dict)]
    return scan


def _visit(
    node: dict[str, Any], draft: str, scope: str, scan: RefScan, *, root: bool
) -> tuple[str, str]:
    """Record one subschema's resource, references and regexes; its draft and base URI."""
    dialect = node.get("$schema")
    if isinstance(dialect, str) and (root or _id_of(node, draft) is not None):
        if root and not is_known_dialect(dialect):  # a custom metaschema: a document to reach
            scan.refs.append((dialect, urldefrag(dialect).url))
        draft = draft_of_dialect(dialect, draft)
    overridden = draft in REF_OVERRIDES and "$ref" in node
    identifier = None if overridden else _id_of(node, draft)
    if identifier is not None:
        scope = urldefrag(urljoin(scope, identifier)).url
    if root or identifier is not None:
        scan.resources.add(scope)
    if "pattern" in node or "patternProperties" in node:
        scan.regexes = True
    for keyword in REF_KEYWORDS:
        ref = node.get(keyword)
        if isinstance(ref, str):
            scan.refs.append((ref, urldefrag(urljoin(scope, ref)).url))
    return draft, scope


def _id_of(node: dict[str, Any], draft: str) -> str | None:
    """The identifier that changes the base URI (not a plain-name fragment, which is an anchor)."""
    value = node.get("id" if draft in ("Draft3Validator", "Draft4Validator") else "$id")
    if not isinstance(value, str) or value.startswith("#"):
        return None
    return value
