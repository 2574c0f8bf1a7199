"""How fixture and lock files are named in reports: relative to the config's folder."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config


def display_path(config: Config, path: Path) -> str:
    """A path relative to the config's folder when possible, with forward slashes; bytes that
    are not UTF-8 in a file name (a pull request can add one) are shown as `\\xff` escapes,
    as no report, log or summary could hold them."""
    return _relative_to(config.root, path)


def printable_name(name: str) -> str:
    """`name` with the undecodable bytes of a file name (surrogate escapes) as `\\xNN`."""
    if name.isascii():
        return name
    try:
        name.encode()
    except UnicodeEncodeError:
        return name.encode(errors="surrogateescape").decode(errors="backslashreplace")
    return name


@functools.lru_cache(maxsize=8192)
def _relative_to(root: Path, path: Path) -> str:
    # Cached: each fixture is named several times. Strings, not Paths: this runs per fixture.
    resolved, base = resolve_path(os.fspath(path)), _resolved(os.fspath(root))
    if resolved == base:
        return "."
    prefix = base.rstrip(os.sep) + os.sep
    if os.path.normcase(resolved).startswith(os.path.normcase(prefix)):
        return printable_name(resolved[len(prefix) :].replace(os.sep, "/"))
    return printable_name(path.as_posix())


def resolve_path(path: str) -> str:
    """`str(Path(path).resolve())`, resolving each folder once: only the file itself is looked
    at anew, as resolving every component of every fixture's path cost more than checking it."""
    folder, name = os.path.split(path)
    if name in ("", os.curdir, os.pardir) or os.path.islink(path):
        return str(Path(path).resolve())
    return os.path.join(_resolved(folder), name)


def _resolved(folder: str) -> str:
    # Relative to the working directory as it is now, which tests change.
    return _resolved_absolute(os.path.join(os.getcwd(), folder))


@functools.lru_cache(maxsize=1024)
def _resolved_absolute(folder: str) -> str:
    return str(Path(folder).resolve())
