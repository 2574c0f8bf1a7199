"""`doctor`'s registry checks: URL, reachability, token, schemas on each track, lock freshness."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import ContractError
from ..lock.reader import public_url
from .model import Check

if TYPE_CHECKING:
    from ..config import Config
    from ..lock.reader import Lock
    from ..registry import FetchedSchema

Live = dict[tuple[str, str], "FetchedSchema | None"]
# The transport's wording for 401/403 (registry/http.py): reachable, but the credentials failed.
AUTH_STATUSES = (" HTTP 401", " HTTP 403")


def check_registry(
    config: Config, lock: Lock | None, environ: Mapping[str, str] | None
) -> tuple[list[Check], Check]:
    """The registry checks, and apart the lock's freshness (listed after the lock check)."""
    env = os.environ if environ is None else environ
    url = config.registry.url
    source = "from REGISTRY_URL" if env.get("REGISTRY_URL") else "from the config"
    if not url:
        fix = f"set registry.url in {config.path.name}, or export REGISTRY_URL"
        missing = Check("registry-url", "fail", "registry URL", "not set", fix)
        return [missing, *_skipped(config, "no registry URL")], _fresh_skip(
            config, "no registry URL"
        )
    from ..registry import check_registry_url

    try:
        check_registry_url(url, config.path)
    except ContractError as e:  # malformed: shown nowhere, it may hold a password
        bad = Check("registry-url", "fail", "registry URL", e.message, e.hint or None)
        return [bad, *_skipped(config, "a malformed registry URL")], _fresh_skip(
            config, "a malformed registry URL"
        )
    shown = public_url(url) or url
    message = f"{shown} (api {config.registry.api}, {source})"
    checks = [Check("registry-url", "ok", "registry URL", message)]
    live, reach, token = _fetch(config, env)
    checks += [reach, token]
    if live is None:
        reason = "the registry could not be read"
        return checks + _skipped(config, reason, url=False), _fresh_skip(config, reason)
    return checks + check_schema_tracks(config, live), check_fresh(config, lock, live)


def _credentials(config: Config, env: Mapping[str, str]) -> str | None:
    """The name of the credential variables in use (never their values)."""
    if env.get("REGISTRY_TOKEN"):
        return "REGISTRY_TOKEN"
    if config.registry.api == "confluent" and env.get("REGISTRY_USERNAME"):
        return "REGISTRY_USERNAME/REGISTRY_PASSWORD"
    return None


def _fetch(config: Config, env: Mapping[str, str]) -> tuple[Live | None, Check, Check]:
    """Fetch every configured track once: (documents or None, reachability, token)."""
    from ..drift import configured_pairs
    from ..registry import build_client
    from ..registry.fetch import fetch_tracks
    from ..registry.static import FolderClient

    credentials = _credentials(config, env)
    try:
        client = build_client(config, environ=env)
    except ContractError as e:
        return None, *_failure(e, credentials, config.registry.api)
    try:
        live = fetch_tracks(client, configured_pairs(config), config.registry.workers)
    except ContractError as e:
        return None, *_failure(e, credentials, config.registry.api)
    finally:
        client.close()
    if isinstance(client, FolderClient):
        folder = Check("registry", "ok", "registry reachable", "the folder is readable")
        return live, folder, Check("token", "skip", "token", "not used by a folder registry")
    reached = Check("registry", "ok", "registry reachable", "answered every request")
    if credentials:
        return live, reached, Check("token", "ok", "token", f"{credentials} accepted")
    anonymous = Check("token", "ok", "token", "none set; the registry allows anonymous reads")
    return live, reached, anonymous


def _failure(error: ContractError, credentials: str | None, api: str) -> tuple[Check, Check]:
    """Tell "cannot reach it" from "reached it, but the credentials were refused"."""
    if not any(s in error.message for s in AUTH_STATUSES):
        reach = Check("registry", "fail", "registry reachable", error.message, error.hint or None)
        return reach, _token_skip("the registry could not be reached")
    reached = Check("registry", "ok", "registry reachable", "answered (with HTTP 401/403)")
    if credentials:
        fix = f"set {credentials} to credentials that may read the schemas"
        return reached, Check("token", "fail", "token", f"{credentials} rejected", fix)
    fix = "export REGISTRY_TOKEN (in CI, pass the registry-token secret)"
    if api == "confluent":
        fix = (
            "export REGISTRY_TOKEN, or REGISTRY_USERNAME and REGISTRY_PASSWORD (in CI, pass "
            "the registry-token secret, or registry-username and registry-password)"
        )
    return reached, Check("token", "fail", "token", "required by the registry, none set", fix)


def _token_skip(reason: str) -> Check:
    return Check("token", "skip", "token", f"skipped: {reason}")


def check_schema_tracks(config: Config, live: Live) -> list[Check]:
    """Each schema on each of its tracks, saying which one it falls back to."""
    checks = []
    for name, schema in config.schemas.items():
        subject = f"schema {name}"
        fetched = {t: f for t in schema.tracks if (f := live.get((name, t))) is not None}
        found = list(fetched)
        absent = [t for t in schema.tracks if t not in fetched]
        versions = ", ".join(f"{t} (version {f.version})" for t, f in fetched.items())
        if not found:
            checks.append(
                Check(
                    "schema",
                    "fail",
                    subject,
                    f"on none of its tracks ({', '.join(schema.tracks)})",
                    "check the schema name and registry.url, or publish it",
                )
            )
            continue
        top, required = found[0], schema.require_track
        if required is not None and schema.tracks.index(top) > schema.tracks.index(required):
            checks.append(
                Check(
                    "schema",
                    "fail",
                    subject,
                    f"no {required}: falls back to {top}, below require-track {required}",
                    f"publish {name} on {required}",
                )
            )
        elif top != schema.tracks[0]:
            checks.append(
                Check(
                    "schema",
                    "warn",
                    subject,
                    f"no {schema.tracks[0]}: falls back to {top}; found {versions}",
                    f"publish {name} on {schema.tracks[0]}, or drop "
                    f"{schema.tracks[0]} from its tracks",
                )
            )
        elif absent:
            checks.append(
                Check(
                    "schema",
                    "warn",
                    subject,
                    f"found {versions}; not on {', '.join(absent)}",
                    f"publish {name} on {', '.join(absent)}, or drop "
                    f"{', '.join(absent)} from its tracks",
                )
            )
        else:
            checks.append(Check("schema", "ok", subject, f"found {versions}"))
    return checks


def check_fresh(config: Config, lock: Lock | None, live: Live) -> Check:
    """The lock holds what the registry serves now."""
    from ..drift import UNCHANGED, diff_lock

    subject = "lock fresh"
    if lock is None:
        return Check("lock-fresh", "skip", subject, "skipped: the lock is missing or broken")
    drifted = [e for e in diff_lock(lock, live) if e.status != UNCHANGED]
    if not drifted:
        return Check("lock-fresh", "ok", subject, f"{config.lock_dir.name} matches the registry")
    shown = "; ".join(f"{e.schema}@{e.track} {e.describe()}" for e in drifted[:3])
    more = f" (and {len(drifted) - 3} more)" if len(drifted) > 3 else ""
    return Check(
        "lock-fresh",
        "fail",
        subject,
        f"drifted: {shown}{more}",
        "run `registry-contract lock`, review the change and commit it",
    )


def _skipped(config: Config, reason: str, *, url: bool = True) -> list[Check]:
    checks = []
    if url:
        skipped = Check("registry", "skip", "registry reachable", f"skipped: {reason}")
        checks += [skipped, _token_skip(reason)]
    checks += [Check("schema", "skip", f"schema {n}", f"skipped: {reason}") for n in config.schemas]
    return checks


def _fresh_skip(config: Config, reason: str) -> Check:
    return Check("lock-fresh", "skip", "lock fresh", f"skipped: {reason}")
