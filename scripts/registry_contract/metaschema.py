"""Is a document a valid JSON Schema? jsonschema-rs decides, python-jsonschema explains."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import SchemaError


def find_schema_error(document: Any) -> SchemaError | None:
    """None when `document` is valid against its draft's metaschema, else the reference's error.

    jsonschema-rs walks the metaschema (about 150 times faster than python-jsonschema's
    check_schema, which dominated fetching a schema) but calls python-jsonschema's own format
    checks (`regex`, `uri-reference`, ...), where the two libraries differ. A failure is
    always confirmed and explained by python-jsonschema, the reference.
    """
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import Draft202012Validator, validator_for

    cls = validator_for(document, default=Draft202012Validator)
    fast = _meta_validator(cls)
    if fast is not None and fast.is_valid(document):
        return None
    try:
        cls.check_schema(document)
    except SchemaError as e:
        return e
    return None


@functools.cache
def _meta_validator(cls: Any) -> Any:
    """A jsonschema-rs validator of one draft's metaschema with the reference's format checks."""
    import jsonschema_rs

    checker = cls.FORMAT_CHECKER

    def format_check(name: str) -> Any:
        return lambda value: checker.conforms(value, name)

    formats = {name: format_check(name) for name in checker.checkers}
    try:
        return jsonschema_rs.validator_for(cls.META_SCHEMA, validate_formats=True, formats=formats)
    except Exception:  # a draft jsonschema-rs cannot compile: the reference alone decides
        return None
