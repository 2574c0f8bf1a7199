"""SchemaManager: resolve schemas by track through the cache and validate live payloads."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..dialect import DEFAULT_DIALECT_NAME
from ..registry.base import KnownDocument, RegistryClient
from ..validation.validators import Issue
from .cache import NEVER, Cached, Entry, Key, Missing, SchemaCache, Timing, default_random
from .loader import Loader
from .logs import FailureLog, OnceLog, one_line
from .metrics import RuntimeMetrics, SourceRow
from .model import (
    Mode,
    ResolvedSchema,
    SchemaUnavailableError,
    ValidationIssue,
    ValidationOutcome,
)
from .payload import parse_payload
from .settings import check_settings, parse_mode, settings_from_config
from .sources import Sources, as_known, build_client, open_lock

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from ..config import RegistryConfig

REFRESH_WORKERS = 4
# Bounds memory and metric labels if schema names ever come from untrusted input.
MAX_KEYS = 1024
_OFF = Mode.OFF  # a module global is found faster than the enum's attribute
OFF_SOURCE = "off"  # the source of an `off` outcome when no schema was ever resolved


class SchemaManager:
    """Schemas by track from memory, then the registry, then the committed lock; validators
    compiled once per (schema, track, version); payload verdicts identical to the gate's.

    A cache hit with a valid payload (the hot path) awaits nothing, takes no lock, calls no
    `labels()` and returns a prebuilt outcome.
    """

    def __init__(
        self,
        registry: str | RegistryConfig | None = None,
        *,
        api: str = "core",
        client: RegistryClient | None = None,
        lock_dir: Path | str | None = None,
        ttl: float = 300.0,
        mode: Mode | str = Mode.SOFT,
        modes: Mapping[str, Mode | str] | None = None,
        refresh_timeout: float = 2.0,
        negative_ttl: float = 60.0,
        jitter: float = 0.1,
        preload: Iterable[str] = (),
        tracks: Mapping[str, Iterable[str]] | None = None,
        digest_mismatch: str = "registry",
        formats: bool = True,
        default_dialect: str = DEFAULT_DIALECT_NAME,
        metrics_registry: CollectorRegistry | None = None,
        clock: Callable[[], float] | None = None,
        rand: Callable[[], float] | None = None,
        executor: Executor | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """`registry`: the registry's URL (with `api`) or a config's RegistryConfig; `client`
        instead of it to share one. Neither: the lock is the only source. `clock`, `rand` and
        `executor` are for simulations (a fleet of managers, an hour in a second)."""
        self.settings = check_settings(
            ttl=ttl,
            mode=mode,
            modes=modes,
            refresh_timeout=refresh_timeout,
            negative_ttl=negative_ttl,
            jitter=jitter,
            preload=preload,
            tracks=tracks,
            lock_dir=lock_dir,
            digest_mismatch=digest_mismatch,
            formats=formats,
            default_dialect=default_dialect,
        )
        self._clock = clock or time.monotonic
        self._notes = OnceLog()
        self._failures = FailureLog(self._clock)
        self._mode = self.settings.mode
        self._modes: dict[str, Mode] = dict(self.settings.modes)
        self.metrics = RuntimeMetrics(metrics_registry, self._source_rows, self._notes)
        self._tally = self.metrics.tally
        lock = open_lock(self.settings.lock_dir, self._notes)
        self._own_client = client is None  # a client passed in is the caller's to close
        if client is None and registry is not None:
            client = build_client(
                registry, api, self._known, environ, self.settings.default_dialect
            )
        self._sources = Sources(client, lock)
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(
            REFRESH_WORKERS, thread_name_prefix="schema-refresh"
        )
        timing = Timing(
            self.settings.ttl,
            self.settings.negative_ttl,
            self.settings.jitter,
            rand or default_random(),
        )
        self._loader = Loader(
            self._sources,
            timing,
            self._clock,
            self.metrics,
            self._notes,
            formats=self.settings.formats,
            default_dialect=self.settings.default_dialect,
            lock_wins=self.settings.digest_mismatch == "lock",
        )
        self._cache = SchemaCache(self._loader.load, self._executor)
        self._loader.cache = self._cache
        self._closed = False
        self._entries = self._cache.entries

    @classmethod
    def from_config(
        cls, path: Path | str = "registry-contract.yml", **overrides: Any
    ) -> SchemaManager:
        """A manager with the gate's config file: its registry, lock, tracks and `runtime:`
        section (environment overrides included); keyword arguments override those."""
        from ..config import load_config

        environ = overrides.get("environ")
        config = load_config(Path(path), os.environ if environ is None else environ)
        settings: dict[str, Any] = settings_from_config(config)
        registry = config.registry
        if registry.url:
            if registry.api == "static" and "://" not in registry.url:  # a folder, as the gate
                registry = replace(registry, url=str(config.root / registry.url))  # reads it
            settings["registry"] = registry
        settings.update(overrides)
        return cls(**settings)

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        """Preload: returns once every preloaded schema has a usable source (registry or
        lock); raises SchemaUnavailableError naming the first that has none."""
        for name in self.settings.preload:
            found = [await self._resolve_async(name, t) for t in self._preload_keys(name)]
            self._check_preloaded(name, found)

    def start_sync(self) -> None:
        """`start` for code that is not async."""
        for name in self.settings.preload:
            self._check_preloaded(
                name, [self._resolve_sync(name, t) for t in self._preload_keys(name)]
            )

    async def close(self) -> None:
        self.close_sync()

    def close_sync(self) -> None:
        """Stop refreshing and close the registry client it built; cached schemas stay usable."""
        self._closed = True
        if self._own_executor:
            self._executor.shutdown(wait=False, cancel_futures=True)
        if self._own_client:
            self._sources.close()

    async def __aenter__(self) -> SchemaManager:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __enter__(self) -> SchemaManager:
        self.start_sync()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close_sync()

    # --- modes --------------------------------------------------------------------------
    def mode_for(self, name: str) -> Mode:
        return self._modes.get(name, self._mode)

    def set_mode(self, mode: Mode | str, name: str | None = None) -> None:
        """Change the mode of one schema, or the global one (None), while running."""
        parsed = parse_mode(mode, f"set_mode({name!r})" if name else "set_mode")
        if name is None:
            self._mode = parsed
        else:
            self._modes[name] = parsed

    # --- resolution ---------------------------------------------------------------------
    async def get_schema(
        self, name: str, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ResolvedSchema:
        primary = await self._resolve_async(name, prefer)
        second = None
        if not isinstance(primary, Entry) and fallback is not None:
            second = await self._resolve_async(name, fallback)
        return self._resolved(name, primary, second)

    def get_schema_sync(
        self, name: str, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ResolvedSchema:
        """`get_schema` for code that is not async."""
        primary = self._resolve_sync(name, prefer)
        second = None
        if not isinstance(primary, Entry) and fallback is not None:
            second = self._resolve_sync(name, fallback)
        return self._resolved(name, primary, second)

    # --- validation ---------------------------------------------------------------------
    def validate(
        self, name: str, payload: Any, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        """The verdict on a parsed payload (a dict from json.loads or model_dump(mode="json"))."""
        # _hot, inlined: the call alone is a tenth of the time this adds to a bare is_valid.
        entry = self._entries.get((name, prefer))
        if entry.__class__ is Entry and self._clock() < entry.deadline:
            mode = self._modes.get(name, self._mode)
            if mode is not _OFF and entry.compiled.accepts(payload, False):
                next(entry.hot[mode])
                return entry.valid[mode]
        return self._validate_sync(name, payload, prefer, fallback, False)

    async def validate_payload(
        self, name: str, payload: Any, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        """`validate`, awaiting the registry only on a cache miss."""
        return self._hot(name, payload, prefer, False) or await self._validate_async(
            name, payload, prefer, fallback, False
        )

    def validate_cached(
        self, name: str, payload: Any, prefer: str = "v2"
    ) -> ValidationOutcome | None:
        """The outcome when the cache alone gives it (a fresh `prefer` entry and a valid
        payload), else None: then call `validate_payload`. For consumer loops that would
        otherwise create a coroutine per payload."""
        return self._hot(name, payload, prefer, False)

    def validate_json(
        self, name: str, data: bytes | str, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        """The verdict on a payload's JSON text as it comes off the bus; PayloadParseError
        when it is not JSON (NaN and Infinity are not)."""
        payload = parse_payload(data)
        return self._hot(name, payload, prefer, True) or self._validate_sync(
            name, payload, prefer, fallback, True
        )

    async def validate_json_payload(
        self, name: str, data: bytes | str, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        payload = parse_payload(data)
        return self._hot(name, payload, prefer, True) or await self._validate_async(
            name, payload, prefer, fallback, True
        )

    def _hot(self, name: str, payload: Any, prefer: str, parsed: bool) -> ValidationOutcome | None:
        """A fresh entry and a valid payload: count it and return the prebuilt outcome."""
        entry = self._entries.get((name, prefer))
        if entry.__class__ is not Entry or self._clock() >= entry.deadline:
            return None
        mode = self._modes.get(name, self._mode)
        if mode is _OFF or not entry.compiled.accepts(payload, parsed):
            return None
        next(entry.hot[mode])
        return entry.valid[mode]

    def _validate_sync(
        self, name: str, payload: Any, prefer: str, fallback: str | None, parsed: bool
    ) -> ValidationOutcome:
        mode = self.mode_for(name)
        if mode is Mode.OFF:
            return self._off(name, prefer)
        primary = self._resolve_sync(name, prefer)
        verdict = self._first_verdict(name, payload, primary, fallback, mode, parsed)
        if isinstance(verdict, ValidationOutcome) or fallback is None:
            return self._finish(name, verdict, None, payload, mode, parsed)
        second = self._resolve_sync(name, fallback)
        return self._finish(name, verdict, second, payload, mode, parsed)

    async def _validate_async(
        self, name: str, payload: Any, prefer: str, fallback: str | None, parsed: bool
    ) -> ValidationOutcome:
        mode = self.mode_for(name)
        if mode is Mode.OFF:
            return self._off(name, prefer)
        primary = await self._resolve_async(name, prefer)
        verdict = self._first_verdict(name, payload, primary, fallback, mode, parsed)
        if isinstance(verdict, ValidationOutcome) or fallback is None:
            return self._finish(name, verdict, None, payload, mode, parsed)
        second = await self._resolve_async(name, fallback)
        return self._finish(name, verdict, second, payload, mode, parsed)

    def _first_verdict(
        self,
        name: str,
        payload: Any,
        primary: Cached,
        fallback: str | None,
        mode: Mode,
        parsed: bool,
    ) -> ValidationOutcome | tuple[Cached, list[Issue] | None]:
        """The outcome against the preferred track, or what the fallback must settle:
        the preferred track's state and its issues (None: it has no schema)."""
        if isinstance(primary, Missing):
            if fallback is None:
                raise _unavailable(name, [primary])
            return primary, None
        issues: list[Issue] = []
        if not primary.compiled.accepts(payload, parsed):
            issues = primary.compiled.issues(payload)
        if not issues:
            return self._valid(primary, mode)
        if fallback is None:
            return self._invalid(primary, issues, mode)
        return primary, issues

    def _finish(
        self,
        name: str,
        verdict: ValidationOutcome | tuple[Cached, list[Issue] | None],
        second: Cached | None,
        payload: Any,
        mode: Mode,
        parsed: bool,
    ) -> ValidationOutcome:
        """Settle a verdict with the fallback track: an old producer's payload is valid."""
        if isinstance(verdict, ValidationOutcome):
            return verdict
        primary, issues = verdict
        if not isinstance(second, Entry):
            if issues is None:
                raise _unavailable(name, [primary, *([second] if second else [])])
            assert isinstance(primary, Entry)
            return self._invalid(primary, issues, mode)
        matched = second.compiled.accepts(payload, parsed)
        second_issues = [] if matched else second.compiled.issues(payload)
        if issues is None:  # the preferred track has no schema: fall back, visibly
            assert isinstance(primary, Missing)
            self._fell_back(primary, second.doc.track, primary.kind)
            if second_issues:
                return self._invalid(second, second_issues, mode)
            return self._valid(second, mode)
        assert isinstance(primary, Entry)
        if second_issues:
            return self._invalid(primary, issues, mode)
        self._fell_back(primary, second.doc.track, "payload")
        return self._valid(second, mode)

    def _valid(self, entry: Entry, mode: Mode) -> ValidationOutcome:
        doc = entry.doc
        self._tally.add(("schema_validations", doc.name, doc.track, mode.value, "valid"))
        return entry.valid[mode]

    def _invalid(self, entry: Entry, issues: list[Issue], mode: Mode) -> ValidationOutcome:
        doc = entry.doc
        best = issues[0]
        self._tally.add(("schema_validations", doc.name, doc.track, mode.value, "invalid"))
        if mode is not Mode.LOG:
            reason = ("schema_validation_failures", doc.name, doc.track, mode.value, best.keyword)
            self._tally.add(reason)
        self._failures.failed(doc.name, doc.track, best.keyword, best.path, best.schema_path)
        return ValidationOutcome(
            False,
            [i.message for i in issues],
            tuple(ValidationIssue(i.path, i.schema_path, i.keyword, i.message) for i in issues),
            doc.name,
            doc.track,
            doc.version,
            doc.digest,
            entry.source,
            mode,
            mode is Mode.ENFORCE,
        )

    def _off(self, name: str, prefer: str) -> ValidationOutcome:
        cached = self._entries.get((name, prefer))
        if isinstance(cached, Entry):
            return cached.valid[Mode.OFF]
        return ValidationOutcome(True, [], (), name, prefer, 0, "", OFF_SOURCE, Mode.OFF)

    def _fell_back(self, primary: Cached, track: str, reason: str) -> None:
        name = primary.doc.name if isinstance(primary, Entry) else primary.name
        preferred = primary.doc.track if isinstance(primary, Entry) else primary.track
        self._tally.add(("schema_track_fallbacks", name, track, reason))
        why = {
            "payload": f"payloads valid only against {track} (old producers)",
            "missing": f"the registry has no {preferred}",
            "unavailable": f"no source has {preferred}",
        }[reason]
        self._notes.say(
            ("fallback", name, preferred, track, reason),
            logging.WARNING,
            f"{name}: falling back from {preferred} to {track}: {why}; counted in "
            "schema_track_fallbacks_total",
        )

    def _resolved(self, name: str, primary: Cached, second: Cached | None) -> ResolvedSchema:
        entry, fell_back = primary, False
        if not isinstance(primary, Entry) and isinstance(second, Entry):
            self._fell_back(primary, second.doc.track, primary.kind)
            entry, fell_back = second, True
        if not isinstance(entry, Entry):
            raise _unavailable(name, [primary, *([second] if second else [])])
        doc = entry.doc
        return ResolvedSchema(
            doc.name,
            doc.track,
            doc.version,
            doc.digest,
            entry.source,
            copy.deepcopy(doc.document),  # the cache's own copy must not change under it
            fell_back,
        )

    # --- the cache ----------------------------------------------------------------------
    def _lookup(self, key: Key) -> Cached | None:
        """The cached state of `key`, starting a background refresh when one is due; None
        when the caller must wait for a load."""
        cached = self._entries.get(key)
        now = self._clock()
        name = key[0]
        if isinstance(cached, Missing):
            if now < cached.until:
                self._tally.add(("schema_cache_lookups", name, "negative"))
                return cached
            self._tally.add(("schema_cache_lookups", name, "miss"))
            return None
        if cached is None:
            if len(self._entries) >= MAX_KEYS:
                raise SchemaUnavailableError(
                    f"schema {name}@{key[1]}: the manager already holds {MAX_KEYS} "
                    "(schema, track) pairs",
                    hint="pass schema names from code, never from message contents",
                )
            self._tally.add(("schema_cache_lookups", name, "miss"))
            return None
        expired = cached.doc.origin == "registry" and now >= cached.expires_at
        if now >= cached.next_check or (expired and cached.source != "stale"):
            serve = cached.served(
                until=NEVER,  # the load started here replaces this entry when it ends
                deadline=NEVER if expired else cached.expires_at,
                source="stale" if expired else None,
            )
            self._cache.revalidate(key, cached, serve)
            cached = serve
        stale = cached.source == "stale"
        self._tally.add(("schema_cache_lookups", name, "stale" if stale else "hit"))
        return cached

    def _resolve_sync(self, name: str, track: str) -> Cached:
        key = (name, track)
        found = self._lookup(key)
        if found is not None:
            return found
        future = self._cache.refresh(key)
        with contextlib.suppress(FutureTimeout):
            future.result(timeout=self.settings.refresh_timeout)
        return self._after_wait(key)

    async def _resolve_async(self, name: str, track: str) -> Cached:
        key = (name, track)
        found = self._lookup(key)
        if found is not None:
            return found
        future: Future[None] = self._cache.refresh(key)
        # asyncio.wait, unlike wait_for, never cancels the shared load on a timeout.
        await asyncio.wait({asyncio.wrap_future(future)}, timeout=self.settings.refresh_timeout)
        return self._after_wait(key)

    def _after_wait(self, key: Key) -> Cached:
        """What a load stored; when it is still running (refresh_timeout), the lock's entry."""
        cached = self._entries.get(key)
        if cached is not None:
            return cached
        locked = self._loader.from_lock(key, self._clock())
        if locked is not None:
            return self._cache.store_if_absent(key, locked)
        why = f"the registry did not answer within {self.settings.refresh_timeout:g} s"
        if self._closed:
            why = "the manager is closed"
        return Missing(
            key[0],
            key[1],
            self._clock(),
            "unavailable",
            f"{why} and the lock has no {key[0]}@{key[1]}",
        )

    def _known(self, name: str, track: str) -> KnownDocument | None:
        """What a 304 may reuse: the cached document of that track, else the lock's."""
        cached = self._entries.get((name, track))
        if isinstance(cached, Entry):
            return as_known(cached.doc)
        return as_known(self._sources.locked(name, track))

    def _source_rows(self) -> Iterator[SourceRow]:
        for cached in list(self._entries.values()):
            if isinstance(cached, Entry):
                doc = cached.doc
                yield doc.name, doc.track, doc.version, cached.source, doc.digest

    def _preload_keys(self, name: str) -> tuple[str, ...]:
        tracks = self.settings.tracks_of(name)
        for track in tracks:  # start every load at once, then wait for each
            if self._entries.get((name, track)) is None:
                self._cache.refresh((name, track))
        return tracks

    def _check_preloaded(self, name: str, found: list[Cached]) -> None:
        if not any(isinstance(c, Entry) for c in found):
            raise _unavailable(name, found)
        for cached in found:
            if isinstance(cached, Entry):
                doc = cached.doc
                self._notes.logger.info(
                    "preloaded %s@%s v%d from the %s (sha256 %s)",
                    one_line(doc.name),
                    doc.track,
                    doc.version,
                    cached.source,
                    doc.digest[:12],
                )


def _unavailable(name: str, states: Iterable[Cached | None]) -> SchemaUnavailableError:
    parts = []
    for state in states:
        if isinstance(state, Missing):
            why = state.reason or "the registry has no such track"
            parts.append(f"{state.track}: {why}")
    return SchemaUnavailableError(
        f"schema {name}: no usable source ({'; '.join(parts) or 'nothing resolved'})",
        hint="check the schema name, the registry and runtime.lock-dir; this is not a verdict "
        "on the payload, do not dead-letter it",
    )
