"""YAML loading where scalars keep their JSON meaning and aliases are refused."""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import yaml

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
C_LOADER = _BaseLoader is not yaml.SafeLoader


class JsonYamlLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader (the C one when libyaml is present) with JSON-like scalar typing.

    PyYAML's YAML 1.1 resolvers turn `2024-01-01T00:00:00Z` into a datetime and `yes` into
    True, which would then fail `type: string`; here only JSON's literals are typed.
    """

    # Start from no implicit resolvers at all; only JSON's literals are added below.
    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "YAML aliases (&anchor / *alias) are refused in payloads; write the value out",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    JsonYamlLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))

# YAML 1.1 reads `010` as octal; JSON and YAML 1.2 read it as ten.
JsonYamlLoader.add_constructor(
    "tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node))
)


def _construct_float(loader: JsonYamlLoader, node: yaml.ScalarNode) -> float:
    """A float that JSON can hold: `.nan`, `.inf` and `1e999` (infinite as a double) are refused."""
    value: float = loader.construct_yaml_float(node)
    if math.isnan(value) or math.isinf(value):
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} has no JSON value (no NaN or Infinity)", node.start_mark
        )
    return value


JsonYamlLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load_yaml(text: str | bytes) -> Any:
    """Parse one YAML document with JSON scalar semantics; raises yaml.YAMLError."""
    return yaml.load(text, Loader=JsonYamlLoader)


def find_line(text: str | bytes, pointer_parts: list[str | int]) -> int | None:
    """Return the 1-based line of the node at a JSON pointer in a YAML text, if it exists."""
    try:
        node = yaml.compose(text, Loader=JsonYamlLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in pointer_parts:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == str(part)]
            if not match:
                return line
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and str(part).isdigit():
            index = int(part)
            if index >= len(node.value):
                return line
            node = node.value[index]
        else:
            return line
        line = node.start_mark.line + 1
    return line
