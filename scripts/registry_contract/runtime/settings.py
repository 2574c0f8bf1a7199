"""The runtime's settings: defaults, checks, and how the config's `runtime:` section maps here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..dialect import DEFAULT_DIALECT_NAME, DIALECT_BY_NAME
from .model import Mode, RuntimeConfigError

if TYPE_CHECKING:
    from ..config import Config

DIGEST_WINNERS = ("registry", "lock")
DEFAULT_TRACKS = ("v2", "v1")


@dataclass(frozen=True)
class RuntimeSettings:
    """How long schemas live, what is done with payloads, and where the lock is."""

    ttl: float = 300.0
    mode: Mode = Mode.SOFT
    modes: Mapping[str, Mode] = field(default_factory=dict)
    refresh_timeout: float = 2.0
    negative_ttl: float = 60.0
    jitter: float = 0.1
    preload: tuple[str, ...] = ()
    tracks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lock_dir: Path | None = None
    digest_mismatch: str = "registry"
    formats: bool = True
    default_dialect: str = DEFAULT_DIALECT_NAME

    def tracks_of(self, name: str) -> tuple[str, ...]:
        return self.tracks.get(name, DEFAULT_TRACKS)


def parse_mode(value: Mode | str, where: str) -> Mode:
    """A Mode from its name; anything else is a configuration error, never a default."""
    try:
        return Mode(value)
    except ValueError:
        options = ", ".join(m.value for m in Mode)
        raise RuntimeConfigError(
            f"{where}: mode {value!r} is not one of {options}",
            hint="fix the mode in runtime.mode / runtime.modes or the environment",
        ) from None


def check_settings(
    *,
    ttl: float,
    mode: Mode | str,
    modes: Mapping[str, Mode | str] | None,
    refresh_timeout: float,
    negative_ttl: float,
    jitter: float,
    preload: Iterable[str],
    tracks: Mapping[str, Iterable[str]] | None,
    lock_dir: Path | str | None,
    digest_mismatch: str,
    formats: bool,
    default_dialect: str = DEFAULT_DIALECT_NAME,
) -> RuntimeSettings:
    """RuntimeSettings from plain values, refusing any that would misbehave at run time."""
    for key, value in (
        ("ttl", ttl),
        ("refresh_timeout", refresh_timeout),
        ("negative_ttl", negative_ttl),
    ):
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise RuntimeConfigError(
                f"runtime setting {key}={value!r} is not a positive number of seconds",
                hint=f"set {key} to a number of seconds above 0",
            )
    if not isinstance(jitter, int | float) or not 0 <= jitter <= 0.2:
        raise RuntimeConfigError(
            f"runtime setting jitter={jitter!r} is not a fraction from 0 to 0.2",
            hint="refreshes happen between 80% and 80%+jitter of the TTL; keep it below 100%",
        )
    if digest_mismatch not in DIGEST_WINNERS:
        raise RuntimeConfigError(
            f"runtime setting digest_mismatch={digest_mismatch!r} is not one of "
            f"{', '.join(DIGEST_WINNERS)}",
            hint="say which document wins when the registry's differs from the lock's",
        )
    if default_dialect not in DIALECT_BY_NAME:
        raise RuntimeConfigError(
            f"runtime setting default_dialect={default_dialect!r} is not one of "
            f"{', '.join(DIALECT_BY_NAME)}",
            hint="name the JSON Schema draft of schemas that have no $schema",
        )
    return RuntimeSettings(
        ttl=float(ttl),
        mode=parse_mode(mode, "runtime.mode"),
        modes={n: parse_mode(m, f"runtime.modes.{n}") for n, m in (modes or {}).items()},
        refresh_timeout=float(refresh_timeout),
        negative_ttl=float(negative_ttl),
        jitter=float(jitter),
        preload=tuple(preload),
        tracks={n: tuple(t) for n, t in (tracks or {}).items()},
        lock_dir=Path(lock_dir) if lock_dir is not None else None,
        digest_mismatch=digest_mismatch,
        formats=bool(formats),
        default_dialect=default_dialect,
    )


def settings_from_config(config: Config) -> dict[str, object]:
    """The keyword arguments the config file (and its environment overrides) give."""
    runtime = config.runtime
    return {
        "ttl": runtime.ttl,
        "mode": runtime.mode,
        "modes": dict(runtime.modes),
        "refresh_timeout": runtime.refresh_timeout,
        "negative_ttl": runtime.negative_ttl,
        "jitter": runtime.jitter,
        "preload": runtime.preload,
        "tracks": {name: schema.tracks for name, schema in config.schemas.items()},
        "lock_dir": runtime.lock_dir or config.lock_dir,
        "digest_mismatch": runtime.digest_mismatch,
        "formats": config.formats,
        "default_dialect": config.default_dialect,
    }
