"""Is a document a valid JSON Schema? jsonschema-rs decides, python-jsonschema explains."""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .reference import DEFAULT_DRAFT, is_mirrored, mirrored_draft

if TYPE_CHECKING:
    from jsonschema.exceptions import SchemaError

# jsonschema.validators.validator_for's table, keyed as its URIDict normalises a URI.
DRAFT_BY_DIALECT = {
    "http://json-schema.org/draft-03/schema": "Draft3Validator",
    "http://json-schema.org/draft-04/schema": "Draft4Validator",
    "http://json-schema.org/draft-06/schema": "Draft6Validator",
    "http://json-schema.org/draft-07/schema": "Draft7Validator",
    "https://json-schema.org/draft/2019-09/schema": "Draft201909Validator",
    "https://json-schema.org/draft/2020-12/schema": "Draft202012Validator",
}
# jsonschema_specifications' folder of each draft's metaschema.
FOLDER_BY_DRAFT = {
    "Draft3Validator": "draft3",
    "Draft4Validator": "draft4",
    "Draft6Validator": "draft6",
    "Draft7Validator": "draft7",
    "Draft201909Validator": "draft201909",
    "Draft202012Validator": "draft202012",
}


def is_known_dialect(dialect: str) -> bool:
    """Whether referencing.jsonschema.specification_with knows `dialect`, without importing it."""
    if not isinstance(dialect, str):  # let the reference raise as it does
        from referencing.jsonschema import UnknownDialect, specification_with

        try:
            specification_with(dialect)
        except UnknownDialect:
            return False
        return True
    return dialect.rstrip("#") in DRAFT_BY_DIALECT


def draft_of(document: Any) -> str | None:
    """The reference's validator class name for `document`, as `validator_for(document,
    default=Draft202012Validator)` picks it; None when only the reference can tell."""
    if not is_mirrored():
        return None
    if document is True or document is False:
        return DEFAULT_DRAFT
    if not isinstance(document, dict):
        return None
    if "$schema" not in document:
        return DEFAULT_DRAFT
    dialect = document["$schema"]
    if not isinstance(dialect, str):
        return None
    return DRAFT_BY_DIALECT.get(urlsplit(dialect).geturl(), DEFAULT_DRAFT)


def find_schema_error(document: Any) -> SchemaError | None:
    """None when `document` is valid against its draft's metaschema, else the reference's error.

    jsonschema-rs walks the metaschema (about 150 times faster than python-jsonschema's
    check_schema, which dominated fetching a schema) but calls the reference's format checks
    (`regex`, `uri-reference`, ...), where the two libraries differ. A failure is always
    confirmed and explained by python-jsonschema, the reference, imported only then.
    """
    name = draft_of(document)
    fast = _meta_validator(name) if name is not None else None
    if fast is not None:
        try:
            if fast.is_valid(document):
                return None
        except Exception:  # a format check raised: the reference decides, and raises alike
            pass
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import Draft202012Validator, validator_for

    cls = validator_for(document, default=Draft202012Validator)
    try:
        cls.check_schema(document)
    except SchemaError as e:
        return e
    return None


@functools.cache
def _meta_validator(name: str) -> Any:
    """A jsonschema-rs validator of one draft's metaschema with the reference's format checks."""
    import jsonschema_rs

    formats = dict(mirrored_draft(name).formats)
    try:
        return jsonschema_rs.validator_for(
            load_metaschema(name), validate_formats=True, formats=formats
        )
    except Exception:  # a draft jsonschema-rs cannot compile: the reference alone decides
        return None


def load_metaschema(name: str) -> Any:
    """The reference's META_SCHEMA of a draft, read from jsonschema_specifications' files
    (importing that package would import referencing and read every vocabulary)."""
    spec = importlib.util.find_spec("jsonschema_specifications")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jsonschema_specifications is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)), "schemas", FOLDER_BY_DRAFT[name])
    return json.loads((folder / "metaschema.json").read_bytes())
