"""Scaffold a consumer repository: the config, a fixture folder per schema, the caller workflow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from ..config import CONFIG_NAME
from ..errors import UsageError

FIXTURES_ROOT = "tests/contracts/fixtures/payloads"
WORKFLOW_PATH = ".github/workflows/contract-gate.yml"
EXAMPLE_SCHEMA = "example.Event"
# The first line of every example payload init writes; doctor warns while it is still there.
PLACEHOLDER_MARK = "registry-contract: init placeholder"


@dataclass(frozen=True)
class InitOptions:
    api: str = "core"
    url: str | None = None
    schemas: tuple[str, ...] = ()
    force: bool = False


def _template(name: str) -> str:
    from importlib import resources

    return (
        resources.files("registry_contract").joinpath(f"data/templates/{name}").read_text("utf-8")
    )


def _scalar(value: str) -> str:
    """The value as a YAML scalar: plain when it reads back as the same string, else quoted."""
    import json

    from ..yamlio import load_yaml

    try:
        plain = load_yaml(value) == value and "#" not in value
    except Exception:  # yaml.YAMLError: any text that is not a plain scalar
        plain = False
    return value if plain else json.dumps(value)


def render_config(options: InitOptions) -> str:
    schemas = options.schemas or (EXAMPLE_SCHEMA,)
    if options.url:
        url_line = f"  url: {_scalar(options.url)}   # REGISTRY_URL overrides it"
    else:
        url_line = "  # url: https://schemas.example.com   # or set REGISTRY_URL"
    entries = [
        f"  {_scalar(name)}:\n    fixtures: {_scalar(f'{FIXTURES_ROOT}/{name}')}"
        for name in schemas
    ]
    return Template(_template(CONFIG_NAME)).substitute(
        api=options.api, url_line=url_line, schemas="\n".join(entries)
    )


def plan_files(options: InitOptions) -> dict[str, str]:
    """Every file init writes, by path relative to the target folder, with its content."""
    if options.url:  # the config is committed: no credentials in it, and none printed
        from ..registry import check_registry_url

        check_registry_url(options.url, f"--url for {CONFIG_NAME}")
    config_text = render_config(options)
    _check_config(config_text)
    files = {CONFIG_NAME: config_text}
    example = Template(_template("example-payload.yaml"))
    for name in options.schemas or (EXAMPLE_SCHEMA,):
        files[f"{FIXTURES_ROOT}/{name}/valid/example.yaml"] = example.substitute(name=name)
    files[WORKFLOW_PATH] = _template("contract-gate.yml")
    return files


def _check_config(text: str) -> None:
    """Refuse to write a config that would not load (a bad schema name, say)."""
    from ..config import validate_config_data
    from ..yamlio import load_yaml

    validate_config_data(load_yaml(text), Path(CONFIG_NAME))


def write_files(root: Path, files: dict[str, str], *, force: bool) -> list[Path]:
    """Write the files under `root`; without `force`, refuse before writing anything."""
    targets = {rel: root / rel for rel in files}
    existing = [rel for rel, path in targets.items() if path.exists()]
    if existing and not force:
        raise UsageError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} in {root}; "
            "nothing was written",
            hint="pass --force to overwrite, or move the file(s) away",
        )
    for rel, path in targets.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[rel], encoding="utf-8")
        except OSError as e:
            raise UsageError(
                f"{path}: cannot write ({e.strerror})", hint="check the folder's permissions"
            ) from e
    return list(targets.values())
