"""Registrations written to a folder (`serve --writable DIR`), never into the lock."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ..errors import UsageError

SUBJECT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$")
VERSION_FILE = re.compile(r"^[1-9][0-9]{0,9}\.json$")


class WritableFolder:
    """`DIR/{subject}/{version}.json`: each registered document, in the lock's canonical form."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self, limit: int, max_bytes: int) -> list[tuple[str, int, dict[str, Any]]]:
        """Every registration written before, oldest version first within each subject."""
        if not self.root.is_dir():
            return []
        found: list[tuple[str, int, dict[str, Any]]] = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            if not SUBJECT.match(folder.name):
                raise UsageError(
                    f"{folder}: not a subject name (letters, digits, '.', '_', '-')",
                    hint="remove it from the --writable folder",
                )
            files = [p for p in folder.iterdir() if VERSION_FILE.match(p.name)]
            for path in sorted(files, key=lambda p: int(p.stem)):
                if len(found) >= limit:
                    raise UsageError(
                        f"{self.root}: more than {limit} registrations",
                        hint="remove old ones, or start with an empty --writable folder",
                    )
                found.append((folder.name, int(path.stem), _read(path, max_bytes)))
        return found

    def save(self, subject: str, version: int, text: str) -> None:
        """Write atomically: a reader (or a crash) never sees half a file."""
        folder = self.root / subject
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".registering-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, folder / f"{version}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _read(path: Path, max_bytes: int) -> dict[str, Any]:
    try:
        if path.stat().st_size > max_bytes:
            raise UsageError(
                f"{path}: larger than {max_bytes} bytes",
                hint="remove it from the --writable folder",
            )
        document = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError) as e:
        raise UsageError(
            f"{path}: cannot read a registered schema ({e})",
            hint="fix or remove the file, or start with an empty --writable folder",
        ) from e
    if not isinstance(document, dict):
        raise UsageError(
            f"{path}: a registered schema must be a JSON object",
            hint="fix or remove the file, or start with an empty --writable folder",
        )
    return document
