"""The JSON Schema dialect a schema is read in: its own `$schema`, else the configured default."""

from __future__ import annotations

from typing import Any

# Config names (`default-dialect`) and the metaschema URIs they stand for.
DIALECT_BY_NAME = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "2019-09": "https://json-schema.org/draft/2019-09/schema",
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
}
# Confluent Schema Registry, Redpanda and Karapace read a JSON Schema without `$schema` as
# draft-07, and most schemas stored in them carry none; so do we, unless the config says otherwise.
DEFAULT_DIALECT_NAME = "draft7"


def dialect_uri(name: str) -> str:
    """The metaschema URI of a `default-dialect` name."""
    return DIALECT_BY_NAME[name]


def dialect_of(schema: Any, default: str = DEFAULT_DIALECT_NAME) -> str:
    """The metaschema URI `schema` is read in: its string `$schema`, else the default's."""
    if isinstance(schema, dict):
        declared = schema.get("$schema")
        if isinstance(declared, str):
            return declared
    return DIALECT_BY_NAME[default]
