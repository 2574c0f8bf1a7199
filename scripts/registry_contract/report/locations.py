"""Where a finding lives, as a path relative to the repository root (what GitHub annotates)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..model import Finding


@dataclass(frozen=True)
class Locations:
    """Finding files are relative to the config's folder; GitHub wants them from the repo root."""

    root: str = ""  # the config's folder relative to the repository root; "" when it is the root
    lock_dir: str = "schemas-lock"  # relative to the config's folder

    def file_of(self, finding: Finding) -> str | None:
        """The fixture or locked schema file the finding points at, from the repository root."""
        if finding.file:
            relative = finding.file
        elif finding.track:
            relative = f"{self.lock_dir}/{finding.schema}/{finding.track}.json"
        else:
            return None
        if posixpath.isabs(relative) or not self.root:
            return relative
        return posixpath.normpath(posixpath.join(self.root, relative))
