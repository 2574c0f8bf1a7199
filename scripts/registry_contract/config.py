"""The config file `registry-contract.yml`: load, validate against its JSON Schema, defaults."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dialect import DEFAULT_DIALECT_NAME
from .errors import ConfigError
from .fixtures import MAX_FIXTURE_BYTES

if TYPE_CHECKING:
    from .validation.fastpath import FastPath

CONFIG_NAME = "registry-contract.yml"
CONFIG_LIMIT = 4 * 2**20  # bytes; a config with thousands of schemas is a few hundred KiB
DEFAULT_TRACKS = ("v2", "v1")
SCHEMA_PATH = Path(__file__).with_name("data") / "config.schema.json"


@dataclass(frozen=True)
class RegistryConfig:
    api: str = "core"
    url: str | None = None
    subject_template: str = "{name}-{track}"
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    request_deadline: float = 120.0  # a whole answer, retries included
    deadline: float = 600.0  # every request of one command
    workers: int = 16
    allow_insecure_http: bool = False


@dataclass(frozen=True)
class SchemaConfig:
    name: str
    fixtures: Path | None
    tracks: tuple[str, ...]
    require_track: str | None
    compatibility: str


@dataclass(frozen=True)
class Exemption:
    schema: str
    rule: str
    path: str | None
    reason: str
    expires: dt.date | None


# --- runtime: the services' schema manager (registry_contract.runtime) ---------------------
RUNTIME_ENV = "REGISTRY_CONTRACT_RUNTIME_"


@dataclass(frozen=True)
class RuntimeConfig:
    """The `runtime:` section; modes stay names here, the runtime refuses unknown ones."""

    ttl: float = 300.0
    mode: str = "soft"
    modes: tuple[tuple[str, str], ...] = ()
    refresh_timeout: float = 2.0
    negative_ttl: float = 60.0
    jitter: float = 0.1
    preload: tuple[str, ...] = ()
    lock_dir: Path | None = None
    digest_mismatch: str = "registry"


def _runtime_config(raw: dict[str, Any], root: Path, env: Mapping[str, str]) -> RuntimeConfig:
    """The `runtime:` section, with REGISTRY_CONTRACT_RUNTIME_<KEY> environment overrides
    (MODES as `name=mode,name=mode`, PRELOAD as `name,name`)."""
    section = dict(raw.get("runtime") or {})

    def number(key: str, default: float) -> float:
        variable = RUNTIME_ENV + key.upper().replace("-", "_")
        given = env.get(variable)
        if not given:
            return float(section.get(key, default))
        try:
            return float(given)
        except ValueError:
            raise ConfigError(
                f"{variable}={given!r} is not a number", hint=f"unset {variable} or fix it"
            ) from None

    modes = dict(section.get("modes") or {})
    for item in filter(None, env.get(RUNTIME_ENV + "MODES", "").split(",")):
        name, sep, mode = item.partition("=")
        if not sep:
            raise ConfigError(
                f"{RUNTIME_ENV}MODES: {item!r} is not name=mode",
                hint="write it as telemetry.FeedbackEvent=enforce,other=soft",
            )
        modes[name.strip()] = mode.strip()
    preload_env = env.get(RUNTIME_ENV + "PRELOAD")
    preload = (
        [p.strip() for p in preload_env.split(",") if p.strip()]
        if preload_env is not None
        else section.get("preload", [])
    )
    lock_dir = env.get(RUNTIME_ENV + "LOCK_DIR") or section.get("lock-dir")
    return RuntimeConfig(
        ttl=number("ttl", 300.0),
        mode=env.get(RUNTIME_ENV + "MODE") or section.get("mode", "soft"),
        modes=tuple(sorted(modes.items())),
        refresh_timeout=number("refresh-timeout", 2.0),
        negative_ttl=number("negative-ttl", 60.0),
        jitter=number("jitter", 0.1),
        preload=tuple(preload),
        lock_dir=root / lock_dir if lock_dir else None,
        digest_mismatch=env.get(RUNTIME_ENV + "DIGEST_MISMATCH")
        or section.get("digest-mismatch", "registry"),
    )


# --- end of runtime -------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    path: Path
    registry: RegistryConfig
    lock_dir: Path
    tracks: tuple[str, ...]
    compatibility: str
    mode: str
    schemas: dict[str, SchemaConfig]
    deprecated_tracks: tuple[str, ...]
    formats: bool
    default_dialect: str
    open_content_model: str
    undecidable: str
    exemptions: tuple[Exemption, ...]
    runtime: RuntimeConfig = RuntimeConfig()
    max_fixture_bytes: int = MAX_FIXTURE_BYTES
    compat_budget: float = 10.0  # seconds per compared pair (compat/budget.py)

    @property
    def root(self) -> Path:
        return self.path.parent


@cache
def config_schema() -> dict[str, Any]:
    """The JSON Schema of the config file, shipped in the package."""
    # A file beside this module (package data); importlib.resources would cost every run ~3 ms.
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_bytes())
    return loaded


@cache
def config_fast_path() -> FastPath:
    """The config schema's jsonschema-rs fast path (see validation/fastpath.py)."""
    from .validation.fastpath import build_fast_path

    schema = config_schema()
    return build_fast_path(schema, schema["$schema"], formats=True)


def find_config(explicit: str | None, cwd: Path | None = None) -> Path:
    """Return the config path: --config, else registry-contract.yml in the working directory."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"config file {path} not found", hint="check the --config path")
        return path
    path = (cwd or Path.cwd()) / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            f"no {CONFIG_NAME} in {path.parent}",
            hint="run `registry-contract init` to create one, or pass --config PATH",
        )
    return path


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read, validate and resolve a config file; raises ConfigError with one clear line."""
    from .yamlio import load_yaml  # yaml is only imported by commands that need it

    env = os.environ if environ is None else environ
    try:
        with path.open("rb") as handle:
            data = handle.read(CONFIG_LIMIT + 1)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config ({e.strerror})") from e
    if len(data) > CONFIG_LIMIT:  # a pull request may change the config: refuse it unread
        raise ConfigError(
            f"{path}: larger than {CONFIG_LIMIT // 2**20} MiB, not a config this tool reads",
            hint="check the --config path",
        )
    try:
        raw = load_yaml(data)
    except Exception as e:  # yaml.YAMLError and alias refusals
        first = str(e).splitlines()[0]
        raise ConfigError(f"{path}: not valid YAML: {first}", hint="fix the syntax") from e
    if raw is None:
        raw = {}
    validate_config_data(raw, path)
    return _build(raw, path, env)


def validate_config_data(raw: Any, path: Path) -> None:
    """Validate parsed config data against the shipped schema, raising on the first mistake.

    jsonschema-rs accepts a valid config; python-jsonschema, the reference, finds the mistake.
    """
    if config_fast_path().accepts(raw):
        return
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        config_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(raw), key=lambda e: (len(e.path), list(map(str, e.path))))
    if errors:
        raise ConfigError(f"{path}: {describe_config_error(errors[0])}")


def _key(parts: Any) -> str:
    text = ".".join(f'"{p}"' if "." in str(p) else str(p) for p in parts)
    return text or "(top level)"


def describe_config_error(error: Any) -> str:
    """One line naming the key and saying what is allowed."""
    where = _key(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        what = ", ".join(repr(k) for k in extra)
        scope = f" under {where}" if error.absolute_path else ""
        return f"unknown key {what}{scope}; allowed keys: {', '.join(allowed)}"
    if "propertyNames" in list(error.absolute_schema_path):
        return (
            f"schema name {error.instance!r} under {where} is invalid: use only letters, digits, "
            "'.', '_' and '-' (no '/' and no '..')"
        )
    if error.validator == "pattern" and error.schema == config_schema()["$defs"]["path"]:
        return f"key {where}: {error.instance!r} may not hold line breaks or control characters"
    if error.validator in ("pattern", "not") and "track" in str(error.schema_path):
        return f"key {where}: track {error.instance!r} may use only letters, digits, '.', '_', '-'"
    if error.validator == "enum":
        options = ", ".join(map(str, error.validator_value))
        return f"key {where}: {error.instance!r} is not one of {options}"
    if error.validator == "type":
        return f"key {where}: expected {error.validator_value}, got {type(error.instance).__name__}"
    if error.validator == "required":
        return f"key {where}: {error.message}"
    return f"key {where}: {error.message}"


def _build(raw: dict[str, Any], path: Path, env: Mapping[str, str]) -> Config:
    root = path.parent
    reg = raw.get("registry") or {}
    registry = RegistryConfig(
        api=reg.get("api", "core"),
        url=env.get("REGISTRY_URL") or reg.get("url"),
        subject_template=reg.get("subject-template", "{name}-{track}"),
        connect_timeout=float(reg.get("connect-timeout", 5.0)),
        read_timeout=float(reg.get("read-timeout", 30.0)),
        request_deadline=float(reg.get("request-deadline", 120.0)),
        deadline=float(reg.get("deadline", 600.0)),
        workers=int(reg.get("workers", 16)),
        allow_insecure_http=bool(reg.get("allow-insecure-http", False)),
    )
    tracks = tuple(raw.get("tracks", DEFAULT_TRACKS))
    level = raw.get("compatibility", "BACKWARD")
    schemas: dict[str, SchemaConfig] = {}
    for name, entry in raw["schemas"].items():
        entry = entry or {}
        schema_tracks = tuple(entry.get("tracks", tracks))
        required = entry.get("require-track")
        if required is not None and required not in schema_tracks:
            raise ConfigError(
                f"{path}: key schemas.{name}.require-track: {required!r} is not among its "
                f"tracks ({', '.join(schema_tracks)})",
                hint="add it to tracks or fix the name",
            )
        fixtures = entry.get("fixtures")
        schemas[name] = SchemaConfig(
            name=name,
            fixtures=(root / fixtures) if fixtures else None,
            tracks=schema_tracks,
            require_track=required,
            compatibility=entry.get("compatibility", level),
        )
    exemptions = tuple(
        Exemption(
            schema=e["schema"],
            rule=e["rule"],
            path=e.get("path"),
            reason=e["reason"],
            expires=dt.date.fromisoformat(e["expires"]) if e.get("expires") else None,
        )
        for e in raw.get("exemptions", [])
    )
    mode = env.get("REGISTRY_CONTRACT_MODE") or raw.get("mode", "enforce")
    if mode not in ("enforce", "warn"):
        raise ConfigError(f"REGISTRY_CONTRACT_MODE: {mode!r} is not one of enforce, warn")
    return Config(
        path=path,
        registry=registry,
        lock_dir=root / raw.get("lock-dir", "schemas-lock"),
        tracks=tracks,
        compatibility=level,
        mode=mode,
        schemas=schemas,
        deprecated_tracks=tuple(raw.get("deprecated-tracks", ())),
        formats=bool(raw.get("formats", True)),
        default_dialect=raw.get("default-dialect", DEFAULT_DIALECT_NAME),
        open_content_model=raw.get("open-content-model", "exact"),
        undecidable=raw.get("undecidable", "breaking"),
        exemptions=exemptions,
        runtime=_runtime_config(raw, root, env),
        max_fixture_bytes=raw.get("max-fixture-bytes", MAX_FIXTURE_BYTES),
        compat_budget=float(raw.get("compat-budget", 10.0)),
    )
