"""action.yml: valid metadata, inputs only through env, pinned actions, masked secrets."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from registry_contract.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
BIN = Path(sys.executable).parent
SECRET_INPUTS = ("registry-token", "registry-password", "github-token")


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text("utf-8"))
    return data


def _steps(action: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = action["runs"]["steps"]
    return steps


def test_action_yml_is_valid_against_the_github_actions_schema() -> None:
    done = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_expression_inside_any_run_script(action: dict[str, Any]) -> None:
    offenders = [s.get("name") for s in _steps(action) if "${{" in s.get("run", "")]
    assert offenders == []


def test_run_scripts_pass_shellcheck(action: dict[str, Any]) -> None:
    for step in _steps(action):
        if "run" in step:
            done = subprocess.run(
                [str(BIN / "shellcheck"), "--shell=bash", "-"],
                input=step["run"],
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, f"{step['name']}:\n{done.stdout}"


def test_every_input_is_kebab_case_described_and_has_a_quoted_default(
    action: dict[str, Any],
) -> None:
    quoted = set(
        re.findall(r'^  ([a-z-]+):\n(?:    .*\n)*?    default: "', ACTION.read_text(), re.M)
    )
    for name, spec in action["inputs"].items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name), name
        assert spec.get("description"), name
        assert isinstance(spec.get("default"), str), name
        assert name in quoted, f"{name}: quote the default"


def test_inputs_reach_scripts_only_as_rcg_inputs_env(action: dict[str, Any]) -> None:
    used = set()
    for step in _steps(action):
        for variable, value in (step.get("env") or {}).items():
            match = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", str(value))
            if match:
                assert variable == "RCG_INPUTS_" + match[1].upper().replace("-", "_")
                used.add(match[1])
    with_inputs = {
        name for name in action["inputs"] if name not in ("python-version", "working-directory")
    }
    assert with_inputs <= used  # python-version and working-directory are `with:`/cwd


def test_secrets_are_masked_in_the_first_step(action: dict[str, Any]) -> None:
    first = _steps(action)[0]
    assert "::add-mask::" in first["run"]
    masked = {str(v) for v in first["env"].values()}
    assert {f"${{{{ inputs.{name} }}}}" for name in SECRET_INPUTS} <= masked


def test_the_mask_step_masks_every_line_of_a_multi_line_secret(action: dict[str, Any]) -> None:
    first = _steps(action)[0]
    env = {
        "PATH": "/usr/bin:/bin",
        "RCG_INPUTS_REGISTRY_TOKEN": "line-one\r\nline-two\rline-three\n",
        "RCG_INPUTS_REGISTRY_PASSWORD": "",
        "RCG_INPUTS_GITHUB_TOKEN": "ghs_token",
        "REGISTRY_PASSWORD": "env-one\nenv-two",
    }
    done = subprocess.run(
        ["bash", "-c", first["run"]], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        f"::add-mask::{line}"
        for line in ("line-one", "line-two", "line-three", "ghs_token", "env-one", "env-two")
    ]


def test_outputs_are_described_and_come_from_the_gate_step(action: dict[str, Any]) -> None:
    assert set(action["outputs"]) == {
        "result",
        "violations",
        "invalid-fixtures",
        "breaking-changes",
        "drift",
        "fallbacks",
        "report-json",
        "summary-markdown",
    }
    for name, spec in action["outputs"].items():
        assert spec["description"], name
        assert spec["value"] == f"${{{{ steps.gate.outputs.{name} }}}}"


def test_third_party_actions_are_pinned_to_a_full_sha_with_a_version_comment() -> None:
    uses = re.findall(r"^\s*uses: (\S+)(.*)$", ACTION.read_text(), re.M)
    assert uses
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{ref}: add '# vX.Y.Z'"


def test_setup_python_does_not_change_the_job_environment(action: dict[str, Any]) -> None:
    [setup] = [s for s in _steps(action) if str(s.get("uses", "")).startswith("actions/setup-")]
    assert setup["uses"] == "actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b"
    assert setup["with"]["update-environment"] is False


def test_gate_step_uses_only_flags_the_cli_has(action: dict[str, Any]) -> None:
    [gate] = [s for s in _steps(action) if s.get("id") == "gate"]
    assert gate["working-directory"] == "${{ inputs.working-directory }}"
    used = set(re.findall(r"(--[a-z][a-z-]+)", gate["run"]))
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    known = set(subparsers.choices["gate"]._option_string_actions)  # type: ignore[attr-defined]
    assert used - {"--quiet", "--no-tags", "--depth", "--verify"} <= known


def test_requirements_pin_every_runtime_dependency() -> None:
    lines = [
        line
        for line in (ROOT / "requirements" / "action.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    pins = {}
    for line in lines:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([\w.]+)", line)
        assert match, f"not an exact pin: {line}"
        pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = project["project"]["dependencies"] + project["build-system"]["requires"]
    for requirement in needed:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement)
        assert name is not None
        assert re.sub(r"[-_.]+", "-", name[0]).lower() in pins, f"pin {requirement}"
