"""The workflows, the examples' workflows and action.yml pass actionlint, check-jsonschema, zizmor."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from registry_contract import ACTION_REF, ACTION_REPOSITORY

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EXAMPLES = ("pipeline", "store", "orchestrator")
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXAMPLE_WORKFLOWS = sorted(
    p
    for name in EXAMPLES
    for p in (ROOT / "examples" / name / ".github" / "workflows").glob("*.yml")
)
ALL_WORKFLOWS = WORKFLOWS + EXAMPLE_WORKFLOWS
ACTION = ROOT / "action.yml"
ACTIONS = [ACTION, *sorted((ROOT / ".github" / "actions").glob("*/action.yml"))]
TEMPLATES = sorted((ROOT / "scripts" / "registry_contract" / "data" / "templates").glob("*.yml"))
_OUR_USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(['\"]?)(?P<target>[^\s'\"#]+)\1", re.MULTILINE)


def tool(name: str) -> str:
    path = BIN / name
    if not path.is_file():
        pytest.skip(f"{name} is not installed next to {sys.executable} (pip install -e '.[dev]')")
    return str(path)


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def rel(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def test_every_workflow_and_example_exists() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"contract-gate.yml", "drift.yml", "refresh-lock.yml", "ci.yml"} <= names
    for name in EXAMPLES:
        assert (ROOT / "examples" / name / ".github" / "workflows" / "contract.yml").is_file()
        assert (ROOT / "examples" / name / "registry-contract.yml").is_file()
    assert ACTION.is_file()


def test_actionlint_with_shellcheck_finds_nothing() -> None:
    shellcheck = tool("shellcheck")
    done = run([tool("actionlint"), "-shellcheck", shellcheck, *rel(ALL_WORKFLOWS)])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("schema", "paths"),
    [
        pytest.param("vendor.github-workflows", ALL_WORKFLOWS, id="workflows"),
        pytest.param("vendor.github-actions", ACTIONS, id="actions"),
        pytest.param("vendor.dependabot", [ROOT / ".github" / "dependabot.yml"], id="dependabot"),
    ],
)
def test_check_jsonschema_accepts(schema: str, paths: list[Path]) -> None:
    done = run([tool("check-jsonschema"), "--builtin-schema", schema, *rel(paths)])
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_at_the_default_persona() -> None:
    examples = [f"examples/{name}" for name in EXAMPLES]
    done = run([tool("zizmor"), "--offline", "--config", "zizmor.yml", ".", *examples])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout, done.stdout


def test_every_job_has_least_privilege_a_timeout_and_concurrency() -> None:
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text("utf-8"))
        assert workflow["permissions"] == {}, path.name
        text = path.read_text("utf-8")
        for name, job in workflow["jobs"].items():
            where = f"{path.name}: job {name}"
            assert "timeout-minutes" in job, where
            assert "concurrency" in job, where
            for scope in job.get("permissions", {}):
                assert re.search(rf"^\s+{scope}: \w+ # \S", text, re.MULTILINE), (
                    f"{where}: permission {scope} needs a comment saying why"
                )


def test_inputs_reach_run_scripts_only_through_env() -> None:
    for path in [*ALL_WORKFLOWS, *ACTIONS]:
        document = yaml.safe_load(path.read_text("utf-8"))
        jobs = document.get("jobs") or {"action": document.get("runs", {})}
        for name, job in jobs.items():
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), f"{path.name}: {name}: {step}"


def test_third_party_actions_are_pinned_by_sha_with_a_version_comment() -> None:
    pinned = re.compile(
        r"uses: (?!\./)(?!org/registry-contract-action)[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$"
    )
    for path in [*ALL_WORKFLOWS, *ACTIONS]:
        for line in path.read_text("utf-8").splitlines():
            stripped = line.strip().removeprefix("- ")
            if not stripped.startswith("uses:") or ACTION_REPOSITORY in stripped:
                continue
            if stripped.startswith("uses: ./"):
                continue
            assert pinned.match(stripped), f"{path.name}: {stripped}"


def test_our_action_is_named_by_one_release_constant_everywhere() -> None:
    """A release retags ACTION_REF; every reference to our action and workflows must follow."""
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    name = ACTION_REPOSITORY.split("/")[1]
    found = 0
    for path in [*ALL_WORKFLOWS, *ACTIONS, *TEMPLATES, *docs]:
        for match in _OUR_USES.finditer(path.read_text("utf-8")):
            repo, _, ref = match["target"].partition("@")
            if repo.split("/")[1:2] != [name]:
                continue
            found += 1
            assert "/".join(repo.split("/")[:2]) == ACTION_REPOSITORY, f"{path}: {match['target']}"
            assert ref == ACTION_REF, f"{path}: {match['target']} (expected @{ACTION_REF})"
    assert found >= 3 + len(EXAMPLES)
