"""Drive act in host mode against consumer repositories built from examples/, fully offline.

The pieces, built once per test session (see conftest.py):
- a copy of this repository (git-tracked and untracked-but-not-ignored files) that act resolves
  `org/registry-contract-action@v1` to, through --local-repository;
- small stand-ins for the third-party actions (stubs.py), also resolved through
  --local-repository under the exact SHA the workflows pin;
- a wheelhouse with everything the action installs, so its pip step runs with PIP_NO_INDEX.

Each run starts the loopback fake registry and fake GitHub API next to act under driver.py,
inside a network namespace with only `lo` when `unshare -n` works, and returns an ActRun:
act's --json log, the fake GitHub's recorded requests and data, and the uploaded artifacts.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry_contract import ACTION_REF, ACTION_REPOSITORY

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = ROOT / "tests" / "support"
DRIVER = Path(__file__).with_name("driver.py")
REPOSITORY = "o/r"
# act masks every occurrence of a secret in its log, so short fake secrets would mask common words.
GITHUB_TOKEN = "ghs_e2eFakeGitHubToken0123456789abcdefghijklmnopqrstuvwxyz"
REGISTRY_TOKEN = "e2e-fake-registry-token-0123456789-abcdefghijklmnopqrstuvwxyz"
ACT_TIMEOUT = 600
_USES = re.compile(
    r"^\s*(?:-\s*)?uses:\s*['\"]?(?P<repo>[\w.-]+/[\w.-]+)[^@\s'\"]*@(?P<ref>[\w.-]+)", re.M
)
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass
class Toolkit:
    """What every act run shares: the binaries, the action copy, the stubs and the wheels."""

    act: Path
    action_repo: Path
    stubs: dict[str, Path]
    wheelhouse: Path
    app_data: Path
    netns: bool

    def local_repositories(self, *workflow_dirs: Path) -> list[str]:
        """--local-repository for our action and every pinned third-party action we stub."""
        seen: dict[str, str] = {f"{ACTION_REPOSITORY}@{ACTION_REF}": str(self.action_repo)}
        files = [self.action_repo / "action.yml"]
        files += sorted((self.action_repo / ".github" / "actions").glob("*/action.yml"))
        for folder in (self.action_repo / ".github" / "workflows", *workflow_dirs):
            files += sorted(folder.glob("*.yml"))
        for path in files:
            for match in _USES.finditer(path.read_text("utf-8")):
                if match["repo"] in self.stubs:
                    seen[f"{match['repo']}@{match['ref']}"] = str(self.stubs[match["repo"]])
        return [
            arg for key, value in seen.items() for arg in ("--local-repository", f"{key}={value}")
        ]


@dataclass
class ActRun:
    """One act run: the exit code, the parsed --json log, and what the fakes saw."""

    rc: int
    events: list[dict[str, Any]]
    stderr: str
    github: dict[str, Any]
    artifacts: Path
    netns: bool
    interfaces: list[str]
    logs: dict[str, str] = field(default_factory=dict)

    def job_results(self) -> dict[str, str]:
        return {e["job"]: e["jobResult"] for e in self.events if "jobResult" in e}

    def step_results(self, job: str = "*") -> dict[tuple[str, str], str]:
        return {
            (e["job"], e.get("step", "")): e["stepResult"]
            for e in self.events
            if "stepResult" in e and fnmatch.fnmatchcase(e["job"], job)
        }

    def outputs(self, step: str) -> dict[str, dict[str, str]]:
        """{job: {name: value}} that the top-level step with this id set (act repeats them)."""
        found: dict[str, dict[str, str]] = {}
        for e in self.events:
            if e.get("command") == "set-output" and e.get("stepID") == [step]:
                found.setdefault(e["job"], {})[e["name"]] = e.get("arg", "")
        return found

    def output(self, step: str, name: str) -> list[str]:
        """One output of one step, in every job (matrix leg) that set it, sorted."""
        return sorted(o[name] for o in self.outputs(step).values() if name in o)

    def summaries(self) -> dict[str, str]:
        """{job: its step summary}, from the top-level steps (act repeats composite ones)."""
        found: dict[str, list[str]] = {}
        for e in self.events:
            if e.get("command") == "summary" and len(e.get("stepID") or []) == 1:
                parts = found.setdefault(e["job"], [])
                if e.get("content", "") not in parts:
                    parts.append(e.get("content", ""))
        return {job: "".join(parts) for job, parts in found.items()}

    def text(self) -> str:
        return "".join(e.get("msg", "") + "\n" for e in self.events)

    def requests(self, method: str | None = None, path: str = "*") -> list[dict[str, Any]]:
        return [
            r
            for r in self.github.get("requests", [])
            if (method is None or r["method"] == method) and fnmatch.fnmatchcase(r["path"], path)
        ]

    def writes(self) -> list[dict[str, Any]]:
        return [r for r in self.github.get("requests", []) if r["method"] != "GET"]

    def repo_data(self, key: str) -> list[dict[str, Any]]:
        return list(self.github.get("repos", {}).get(REPOSITORY, {}).get(key, []))

    def explain(self) -> str:
        """Everything needed to debug a failed assertion."""
        tail = self.text()[-12000:]
        return (
            f"act exit {self.rc}; jobs {self.job_results()}\n--- act log (tail) ---\n{tail}\n"
            f"--- act stderr ---\n{self.stderr[-3000:]}\n--- fake GitHub writes ---\n"
            + json.dumps(
                [(r["method"], r["path"], r["status"]) for r in self.github.get("requests", [])]
            )
            + "".join(f"\n--- {name} ---\n{text[-2000:]}" for name, text in self.logs.items())
        )


def run_act(
    toolkit: Toolkit,
    repo: Path,
    work: Path,
    *,
    event_name: str,
    workflow: str,
    event: dict[str, Any] | None = None,
    registry_dir: Path | None = None,
    registry_token: str | None = REGISTRY_TOKEN,
    secrets: dict[str, str] | None = None,
    variables: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    inputs: dict[str, str] | None = None,
    github_seed: dict[str, Any] | None = None,
    github_faults: list[dict[str, Any]] | None = None,
    github_accepts: str = GITHUB_TOKEN,
    job: str | None = None,
) -> ActRun:
    """Run one workflow of `repo` under act with the loopback registry and GitHub API."""
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    home.mkdir(exist_ok=True)
    artifacts = work / "artifacts"
    state = work / "github-state.json"
    seed = work / "github-seed.json"
    seed.write_text(json.dumps(github_seed or {}), "utf-8")
    servers: dict[str, Any] = {
        "github": {
            "argv": [
                sys.executable,
                str(SUPPORT / "fake_github.py"),
                "--port",
                "{port}",
                "--state",
                str(state),
                "--seed",
                str(seed),
                "--token",
                github_accepts,
            ],
            "log": str(work / "fake-github.log"),
            "env": {"PATH": SYSTEM_PATH},
            "setup": [{"path": "/_fake/faults", "json": f} for f in github_faults or []],
        }
    }
    if registry_dir is not None:
        argv = [sys.executable, str(SUPPORT / "fake_registry.py"), "--dir", str(registry_dir)]
        argv += ["--api", "core", "--port", "{port}"]
        argv += ["--token", registry_token] if registry_token else []
        servers["registry"] = {
            "argv": argv,
            "log": str(work / "fake-registry.log"),
            "env": {"PATH": SYSTEM_PATH},
            "setup": [],
        }
    argv = [str(toolkit.act), event_name, "-W", workflow, "--json"]
    argv += ["-P", "ubuntu-latest=-self-hosted", "--no-cache-server"]
    argv += ["--action-cache-path", str(work / "act-cache")]
    if job:
        argv += ["-j", job]
    if event is not None:
        event_file = work / "event.json"
        event_file.write_text(json.dumps(event), "utf-8")
        argv += ["-e", str(event_file)]
    job_env = {
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_API_URL": "http://127.0.0.1:{github}",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(toolkit.wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_CONFIG_FILE": "/dev/null",  # not this machine's pip.conf (constraints, indexes)
        "VIRTUALENV_OVERRIDE_APP_DATA": str(toolkit.app_data),
        "RCG_E2E_ARTIFACTS": str(artifacts),
        **(env or {}),
    }
    for name, value in job_env.items():
        argv += ["--env", f"{name}={value}"]
    for name, value in {"GITHUB_TOKEN": GITHUB_TOKEN, **(secrets or {})}.items():
        argv += ["-s", f"{name}={value}"]
    for name, value in (variables or {}).items():
        argv += ["--var", f"{name}={value}"]
    for name, value in (inputs or {}).items():
        argv += ["--input", f"{name}={value}"]
    argv += toolkit.local_repositories(repo / ".github" / "workflows")
    spec = {
        "servers": servers,
        "act": {
            "argv": argv,
            "cwd": str(repo),
            # A clean environment: no developer variables (REGISTRY_URL, GITHUB_TOKEN, a venv on
            # PATH) leak into the jobs, and act finds no ~/.actrc.
            "env": {
                "PATH": SYSTEM_PATH,
                "HOME": str(home),
                "LANG": "C.UTF-8",
                "ACT_DISABLE_VERSION_CHECK": "1",
            },
            "log": str(work / "act.jsonl"),
            "stderr": str(work / "act.stderr"),
            "timeout": ACT_TIMEOUT,
        },
        "result": str(work / "driver-result.json"),
    }
    spec_file = work / "driver-spec.json"
    spec_file.write_text(json.dumps(spec, indent=2), "utf-8")
    command = [sys.executable, str(DRIVER), str(spec_file)]
    if toolkit.netns:
        command = ["unshare", "-n", *command, "--netns"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=ACT_TIMEOUT + 60)
    result_file = work / "driver-result.json"
    if done.returncode != 0 or not result_file.is_file():
        raise AssertionError(f"driver failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(result_file.read_text("utf-8"))
    events = []
    for line in (work / "act.jsonl").read_text("utf-8", "replace").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            events.append({"msg": line, "job": ""})
    logs = {
        name: Path(server["log"]).read_text("utf-8", "replace") for name, server in servers.items()
    }
    return ActRun(
        rc=result["act_rc"],
        events=[e for e in events if isinstance(e, dict)],
        stderr=(work / "act.stderr").read_text("utf-8", "replace"),
        github=json.loads(state.read_text("utf-8")) if state.is_file() else {},
        artifacts=artifacts,
        netns=result["netns"],
        interfaces=result["interfaces"],
        logs=logs,
    )


def seed_from(github: dict[str, Any]) -> dict[str, Any]:
    """The fake GitHub's data after a run, as the seed of the next run (issues and labels)."""
    repo = github.get("repos", {}).get(REPOSITORY, {})
    issues = [
        {
            "repo": REPOSITORY,
            "number": i["number"],
            "title": i["title"],
            "body": i["body"],
            "labels": [label["name"] for label in i["labels"]],
            "state": i["state"],
        }
        for i in repo.get("issues", [])
        if "pull_request" not in i
    ]
    labels = [{"repo": REPOSITORY, **label} for label in repo.get("labels", [])]
    return {"labels": labels, "issues": issues}


# --- building the session's pieces ---------------------------------------------------------


def copy_repository(source: Path, dest: Path) -> Path:
    """Copy the files git tracks plus the untracked ones it does not ignore (fast, no .venv)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        path = source / name
        if path.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return dest


def netns_works() -> bool:
    """`unshare -n` (root, or user namespaces) and `ip` are both available."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    probe = subprocess.run(
        ["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True, check=False
    )
    return probe.returncode == 0


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={
            "PATH": SYSTEM_PATH,
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_AUTHOR_NAME": "e2e",
            "GIT_AUTHOR_EMAIL": "e2e@example.com",
            "GIT_COMMITTER_NAME": "e2e",
            "GIT_COMMITTER_EMAIL": "e2e@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
        },
    )
    return done.stdout.strip()
