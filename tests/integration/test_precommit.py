"""The pre-commit hooks, run with `pre-commit try-repo` from a snapshot of this repository, offline.

pre-commit installs the hooks' environment with `pip install .` from a clone. With no index, pip
finds the dependencies in a wheelhouse rebuilt from this virtualenv's installed distributions.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ("registry-contract-verify", "registry-contract-validate", "registry-contract-compat")
INSTALL_TIME_FILES = ("INSTALLER", "REQUESTED", "RECORD", "direct_url.json")


def _closure() -> dict[str, metadata.Distribution]:
    """The installed distributions this package needs at run time, per pyproject.toml.

    The dependency list comes from pyproject.toml, not from the editable install's metadata,
    which lags behind until the next `pip install -e .`.
    """
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(line) for line in project["dependencies"]]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req = todo.pop()
        key = canonicalize_name(req.name)
        if (key, frozenset(req.extras)) in seen:
            continue
        seen.add((key, frozenset(req.extras)))
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            pytest.fail(
                f"{req.name} is a dependency but not installed; run pip install -e '.[dev]'"
            )
        found[key] = dist
        for line in dist.requires or ():
            sub = Requirement(line)
            extras = req.extras or {""}
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    return found


def _compatible_tag(wheel_meta: str) -> str:
    """The first of a wheel's tags that this interpreter accepts (py2-none-any would be skipped)."""
    from packaging.tags import parse_tag, sys_tags

    supported = set(sys_tags())
    tags = [
        line.split(":", 1)[1].strip() for line in wheel_meta.splitlines() if line.startswith("Tag:")
    ]
    return next(t for t in tags if parse_tag(t) & supported)


def _repack(dist: metadata.Distribution, into: Path) -> Path:
    """Zip an installed distribution back into a wheel (same files, a fresh RECORD)."""
    info = next(f for f in dist.files or () if f.parent.name.endswith(".dist-info"))
    info_dir = info.parent.as_posix()
    tag = _compatible_tag(dist.read_text("WHEEL") or "")
    name = dist.metadata["Name"].replace("-", "_").replace(".", "_")
    target = into / f"{name}-{dist.version}-{tag}.whl"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in dist.files or ():
            rel = file.as_posix()
            if rel.startswith("..") or "__pycache__" in rel:
                continue
            if file.parent.as_posix() == info_dir and file.name in INSTALL_TIME_FILES:
                continue
            data = Path(str(dist.locate_file(file))).read_bytes()
            wheel.writestr(rel, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            writer.writerow([rel, f"sha256={digest}", len(data)])
        writer.writerow([f"{info_dir}/RECORD", "", ""])
        wheel.writestr(f"{info_dir}/RECORD", record.getvalue())
    return target


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of every run-time dependency, plus setuptools to build this package."""
    import virtualenv

    house = tmp_path_factory.mktemp("wheelhouse")
    for dist in _closure().values():
        _repack(dist, house)
    embedded = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    for wheel in embedded.glob("setuptools-*.whl"):
        shutil.copy(wheel, house)
    return house


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = (
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.invalid",
        "-c",
        "commit.gpgsign=false",
    )
    done = subprocess.run(
        ["git", *identity, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed snapshot of this repository's working tree (the lead commits /work/main)."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / rel)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot


@pytest.fixture(scope="session")
def precommit_env(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> dict[str, str]:
    """Offline: pip sees only the wheelhouse; virtualenv never updates its seed wheels."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUALENV_"))}
    return {
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(home / "cache"),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_OVERRIDE_APP_DATA": str(home / "virtualenv"),
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "REGISTRY_URL": "",
    }


@pytest.fixture
def consumer(tmp_path: Path) -> Iterator[Path]:
    """A consumer repository: the bundled example, committed."""
    repo = tmp_path / "consumer"
    repo.mkdir()
    shutil.copy(ROOT / "registry-contract.yml", repo)
    shutil.copytree(ROOT / "schemas-lock", repo / "schemas-lock")
    shutil.copytree(ROOT / "examples" / "schemas", repo / "examples" / "schemas")
    fixtures = Path("tests/contracts/fixtures/payloads")
    shutil.copytree(ROOT / fixtures, repo / fixtures)
    (repo / "README.md").write_text("a service\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "initial")
    yield repo


def try_repo(
    hook_repo: Path, env: dict[str, str], consumer: Path, hook: str, *args: str
) -> subprocess.CompletedProcess[str]:
    precommit = Path(sys.executable).parent / "pre-commit"
    return subprocess.run(
        [str(precommit), "try-repo", str(hook_repo), hook, "--color=never", *args],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_hooks_file_declares_the_three_hooks() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == list(HOOKS)
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert hook["entry"].startswith("registry-contract ")


def test_verify_hook_passes_on_an_intact_lock_and_fails_on_a_tampered_one(
    hook_repo: Path, precommit_env: dict[str, str], consumer: Path
) -> None:
    done = try_repo(hook_repo, precommit_env, consumer, "registry-contract-verify", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    target = consumer / "schemas-lock" / "telemetry.FeedbackEvent" / "v2.json"
    target.write_text(target.read_text().replace('"maximum": 1', '"maximum": 2'))
    done = try_repo(hook_repo, precommit_env, consumer, "registry-contract-verify", "--all-files")
    assert done.returncode == 1
    assert "sha256 mismatch" in done.stdout and "telemetry.FeedbackEvent/v2.json" in done.stdout


def test_validate_hook_fails_on_a_broken_fixture_and_skips_unrelated_changes(
    hook_repo: Path, precommit_env: dict[str, str], consumer: Path
) -> None:
    (consumer / "README.md").write_text("a service, renamed\n")
    _git(consumer, "add", "README.md")
    done = try_repo(hook_repo, precommit_env, consumer, "registry-contract-validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(no files to check)" in done.stdout and "Skipped" in done.stdout
    broken = "tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/store-ok.json"
    payload = json.loads((consumer / broken).read_text())
    payload["utilisation"] = 1.5
    (consumer / broken).write_text(json.dumps(payload))
    _git(consumer, "add", broken)
    done = try_repo(hook_repo, precommit_env, consumer, "registry-contract-validate")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "store-ok.json" in done.stdout and "/utilisation" in done.stdout


def _edit_locked_schema(repo: Path, name: str, track: str, change: dict[str, object]) -> None:
    """Change a locked schema and re-digest it, as `registry-contract lock` would."""
    from registry_contract.lock.reader import canonical_json, sha256_hex

    path = repo / "schemas-lock" / name / f"{track}.json"
    document = json.loads(path.read_text())
    document["properties"].update(change)
    data = canonical_json(document)
    path.write_bytes(data)
    index_path = repo / "schemas-lock" / "lock.json"
    index = json.loads(index_path.read_text())
    index["schemas"][name][track]["sha256"] = sha256_hex(data)
    index_path.write_bytes(canonical_json(index))


def test_compat_hook_fails_on_a_breaking_lock_change_against_head(
    hook_repo: Path, precommit_env: dict[str, str], consumer: Path
) -> None:
    name = "telemetry.FeedbackEvent"
    source = {"enum": ["store", "pipeline", "orchestrator", "gateway", "edge"]}
    _edit_locked_schema(consumer, name, "v2", {"source": source})
    _git(consumer, "add", "-A")
    done = try_repo(hook_repo, precommit_env, consumer, "registry-contract-compat")
    assert done.returncode == 0, done.stdout + done.stderr
    _git(consumer, "commit", "-q", "-m", "v2 accepts edge")
    _edit_locked_schema(consumer, name, "v2", {"source": {"enum": ["store", "pipeline"]}})
    _git(consumer, "add", "-A")
    done = try_repo(hook_repo, precommit_env, consumer, "registry-contract-compat")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "enum-value-removed" in done.stdout and '"gateway"' in done.stdout
