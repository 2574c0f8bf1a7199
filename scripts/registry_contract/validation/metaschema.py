"""Is a document a valid JSON Schema? jsonschema-rs decides, python-jsonschema explains."""

from __future__ import annotations

import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..dialect import DEFAULT_DIALECT_NAME, dialect_of

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


@dataclass(frozen=True)
class SchemaProblem:
    """Why a document is not a valid JSON Schema, and where in it ("/"-joined, or "(root)")."""

    message: str
    path: str


def is_known_dialect(dialect: Any) -> bool:
    """Whether `dialect` is the metaschema URI of a draft from 3 to 2020-12."""
    return isinstance(dialect, str) and urlsplit(dialect).geturl() in DRAFT_BY_DIALECT


def draft_of_dialect(dialect: Any, default: str = "Draft202012Validator") -> str:
    """The validator class name (both libraries name them alike) of a metaschema URI."""
    if not isinstance(dialect, str):
        return default
    return DRAFT_BY_DIALECT.get(urlsplit(dialect).geturl(), default)


def find_schema_error(
    document: Any, default_dialect: str = DEFAULT_DIALECT_NAME
) -> SchemaProblem | None:
    """None when `document` is valid against its draft's metaschema (its own `$schema`, else
    the `default-dialect`), else why not.

    jsonschema-rs decides (about 150 times faster than python-jsonschema's check_schema, and
    with ECMA-262 regexes for `format: regex`); python-jsonschema words the problem when it
    finds one at the same place, else jsonschema-rs's own error does.
    """
    dialect = dialect_of(document, default_dialect)
    if not is_known_dialect(dialect):
        return SchemaProblem(f"unknown $schema {dialect!r}", "$schema")
    name = draft_of_dialect(dialect)
    fast = _meta_validator(name)
    if fast is None:  # draft 3: python-jsonschema alone
        return _reference_problem(document, name)
    try:
        if fast.is_valid(document):
            return None
        errors = list(fast.iter_errors(document))
    except Exception:  # a value jsonschema-rs cannot hold (lone surrogate): the reference decides
        return _reference_problem(document, name)
    found = [SchemaProblem(e.message, _joined(e.instance_path)) for e in errors]
    explained = _reference_problem(document, name)
    if explained is not None and any(p.path == explained.path for p in found):
        return explained
    return found[0]


def _reference_problem(document: Any, name: str) -> SchemaProblem | None:
    import jsonschema
    from jsonschema.exceptions import SchemaError

    try:
        getattr(jsonschema, name).check_schema(document)
    except SchemaError as e:
        return SchemaProblem(e.message, _joined(e.absolute_path))
    except Exception:  # a regex Python's re cannot compile, say: no explanation from here
        return None
    return None


def _joined(path: Any) -> str:
    return "/".join(map(str, path)) or "(root)"


@functools.cache
def _meta_validator(name: str) -> Any:
    """A jsonschema-rs validator of one draft's metaschema, formats asserted as the reference's
    `check_schema` does; None for a draft jsonschema-rs does not support."""
    import jsonschema_rs

    if name == "Draft3Validator":
        return None
    return jsonschema_rs.validator_for(load_metaschema(name), validate_formats=True)


def load_metaschema(name: str) -> Any:
    """The reference's META_SCHEMA of a draft, read from jsonschema_specifications' files
    (importing that package would import referencing and read every vocabulary)."""
    spec = importlib.util.find_spec("jsonschema_specifications")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jsonschema_specifications is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)), "schemas", FOLDER_BY_DRAFT[name])
    return json.loads((folder / "metaschema.json").read_bytes())
