"""The compatibility engine: is every instance of one schema version an instance of another?"""

from __future__ import annotations

from .engine import check_compatibility
from .model import LEVELS, Change, CompatError, CompatResult
from .rules import RULE_IDS

__all__ = ["LEVELS", "RULE_IDS", "Change", "CompatError", "CompatResult", "check_compatibility"]
