"""`doctor`: check every prerequisite of the gate and say how to fix each one that is missing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import ACTION_REF, ACTION_REPOSITORY
from ..errors import ContractError
from .model import Check, Status

if TYPE_CHECKING:
    from ..config import Config
    from ..lock.reader import Lock

DOCTOR_VERSION = 1
GATE_USES = re.compile(
    r"(^|/)registry-contract-action(/\.github/workflows/contract-gate\.ya?ml)?@"
    r"|^\./\.github/workflows/contract-gate\.ya?ml$"
)
GATE_WORKFLOW = f"{ACTION_REPOSITORY}/.github/workflows/contract-gate.yml@{ACTION_REF}"


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    def count(self, status: Status) -> int:
        return sum(1 for c in self.checks if c.status == status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doctor-version": DOCTOR_VERSION,
            "passed": self.passed,
            "counts": {s: self.count(s) for s in ("ok", "warn", "fail", "skip")},
            "checks": [c.to_dict() for c in self.checks],
        }


def run_doctor(
    config_path: str | None, cwd: Path, environ: Mapping[str, str] | None = None
) -> DoctorReport:
    """Run every check; a failed check is data, and later checks that need it are skipped."""
    from ..config import find_config, load_config
    from .registry import check_registry

    report = DoctorReport()
    checks = report.checks
    try:
        config = load_config(find_config(config_path, cwd=cwd), environ)
    except ContractError as e:
        checks.append(
            Check(
                "config",
                "fail",
                "config",
                e.message,
                e.hint or "fix the config file",
            )
        )
        checks.append(check_workflow(cwd))
        return report
    tracks = ", ".join(config.tracks)
    checks.append(
        Check(
            "config",
            "ok",
            "config",
            f"{config.path.name} is valid: {len(config.schemas)} schema(s), tracks {tracks}",
        )
    )
    lock, lock_check = check_lock(config)
    registry_checks, fresh = check_registry(config, lock, environ)
    checks += [*registry_checks, lock_check, fresh]
    checks.extend(check_fixtures(config, lock))
    checks.append(check_workflow(config.root))
    return report


def check_lock(config: Config) -> tuple[Lock | None, Check]:
    """Present and intact (digests, files, metaschemas, every schema locked)."""
    from ..gate import load_verified_lock
    from ..lock.reader import LOCK_FILE

    where = _shown(config.lock_dir, config.root)
    try:
        lock = load_verified_lock(config)
    except ContractError as e:
        problems: tuple[str, ...] = getattr(e, "problems", ())
        detail = f"{e.message}: {problems[0]}" if problems else e.message
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        fix = (
            "run `registry-contract verify` to list the problems, then restore the lock "
            "with git or run `registry-contract lock`"
            if (config.lock_dir / LOCK_FILE).is_file()
            else "run `registry-contract lock` to create it"
        )
        return None, Check("lock", "fail", "lock", detail + more, fix)
    count = sum(len(t) for t in lock.entries.values())
    message = f"{where} is intact: {count} schema file(s) match their sha256"
    return lock, Check("lock", "ok", "lock", message)


def check_fixtures(config: Config, lock: Lock | None) -> list[Check]:
    """Each schema has a valid payload for every track it is checked on."""
    checks = []
    for name, schema in config.schemas.items():
        tracks = [t for t in schema.tracks if lock is not None and t in lock.tracks(name)]
        status, message, fix = _fixtures_verdict(config, name, tracks or list(schema.tracks))
        checks.append(Check("fixtures", status, f"fixtures of {name}", message, fix))
    return checks


def _fixtures_verdict(config: Config, name: str, tracks: list[str]) -> tuple[Status, str, str]:
    from ..adopt.init import PLACEHOLDER_MARK
    from ..fixtures import discover_fixture_files

    root = config.schemas[name].fixtures
    if root is None:
        fix = f"add `fixtures: tests/contracts/fixtures/payloads/{name}` under schemas.{name}"
        return "fail", "no fixtures folder configured", fix
    where = _shown(root, config.root)
    files = list(discover_fixture_files(root))
    if not files:
        return "fail", f"no payload files under {where}", f"add real payloads under {where}/valid/"
    missing = [t for t in tracks if not any(e == "valid" and s in (None, t) for s, e, _ in files)]
    if missing:
        message = f"no valid payload for {', '.join(missing)} under {where}"
        return "fail", message, f"add one under {where}/valid/ or {where}/{missing[0]}/valid/"
    placeholder = next((p for _, _, p in files if _has_mark(p, PLACEHOLDER_MARK)), None)
    if placeholder is not None:
        message = f"{_shown(placeholder, config.root)} is still the placeholder `init` wrote"
        return "warn", message, "replace it with a payload your service really sends"
    valid = sum(1 for _, e, _ in files if e == "valid")
    message = f"{valid} valid, {len(files) - valid} invalid payload file(s) for {', '.join(tracks)}"
    return "ok", message, ""


def _has_mark(path: Path, mark: str) -> bool:
    try:
        with path.open("rb") as handle:
            return mark.encode() in handle.read(512)
    except OSError:
        return False


def check_workflow(start: Path) -> Check:
    """A workflow of the repository calls the reusable gate (or the action)."""
    folder = _workflows_folder(start)
    fix = f"run `registry-contract init`, or add a job with `uses: {GATE_WORKFLOW}`"
    if folder is None:
        return Check("workflow", "fail", "workflow", "no .github/workflows folder", fix)
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        uses = next((u for u in _uses(path) if GATE_USES.search(u)), None)
        if uses is not None:
            return Check("workflow", "ok", "workflow", f"{_shown(path, start)} calls {uses}")
    message = f"no workflow in {_shown(folder, start)} calls the contract gate"
    return Check("workflow", "fail", "workflow", message, fix)


def _workflows_folder(start: Path) -> Path | None:
    """.github/workflows in `start` or the nearest parent, not above the git top level."""
    for folder in [start.resolve(), *start.resolve().parents]:
        if (folder / ".github" / "workflows").is_dir():
            return folder / ".github" / "workflows"
        if (folder / ".git").exists():
            return None
    return None


def _uses(path: Path) -> list[str]:
    """Every `uses:` of a workflow file: reusable-workflow jobs and steps."""
    from ..config import CONFIG_LIMIT
    from ..yamlio import load_yaml

    try:
        with path.open("rb") as handle:
            text = handle.read(CONFIG_LIMIT + 1)
        data = load_yaml(text) if len(text) <= CONFIG_LIMIT else None  # no workflow is larger
    except Exception:  # an unreadable or invalid workflow simply does not call the gate
        return []
    jobs = data.get("jobs") if isinstance(data, dict) else None
    found = []
    for job in (jobs or {}).values() if isinstance(jobs, dict) else ():
        if not isinstance(job, dict):
            continue
        found.append(job.get("uses"))
        steps = job.get("steps")
        found += (
            [s.get("uses") for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []
        )
    return [u for u in found if isinstance(u, str)]


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
