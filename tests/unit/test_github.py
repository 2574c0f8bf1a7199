"""The Actions runtime files: $GITHUB_OUTPUT heredocs, the step summary, the event payload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from registry_contract.github.actions import (
    ActionsEnv,
    append_summary,
    format_outputs,
    is_fork_pull_request,
    load_event,
    pull_request_number,
    workspace_relative,
    write_outputs,
)

from registry_contract.commands._github import comment_wanted
from registry_contract.errors import UsageError
from support import sample_results


def parse_outputs(text: str) -> dict[str, str]:
    """Read $GITHUB_OUTPUT the way the runner does (name=value and name<<DELIM forms)."""
    outputs: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            value = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


def test_outputs_use_heredocs_that_values_cannot_escape(tmp_path: Path) -> None:
    path = tmp_path / "output"
    path.write_text("earlier=1\n")
    hostile = "line one\nforged=true\nghadelimiter_x"
    write_outputs(str(path), {"result": "fail", "note": hostile})
    outputs = parse_outputs(path.read_text())
    assert outputs == {"earlier": "1", "result": "fail", "note": hostile}


def test_each_output_gets_its_own_delimiter() -> None:
    text = format_outputs({"a": "1", "b": "2"})
    delimiters = [line.split("<<")[1] for line in text.splitlines() if "<<" in line]
    assert len(set(delimiters)) == 2


def test_summary_is_appended_with_a_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    append_summary(str(path), "# one")
    append_summary(str(path), "# two\n")
    assert path.read_text() == "# one\n# two\n"


def test_unwritable_output_file_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"GITHUB_OUTPUT file .*cannot append"):
        write_outputs(str(tmp_path / "missing" / "output"), {"a": "1"})


def test_actions_env_reads_the_runner_variables() -> None:
    env = ActionsEnv.from_environ(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_API_URL": "https://ghe.example/api/v3/",
            "GITHUB_SERVER_URL": "https://ghe.example",
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_RUN_ID": "77",
            "GITHUB_TOKEN": "t0ken",
        }
    )
    assert env.actions and env.token == "t0ken"
    assert env.api_url == "https://ghe.example/api/v3"
    assert env.run_url == "https://ghe.example/acme/shop/actions/runs/77"


def test_actions_env_defaults_outside_actions() -> None:
    env = ActionsEnv.from_environ({})
    assert not env.actions
    assert env.api_url == "https://api.github.com"
    assert env.run_url is None


def _pull(head: str | None, base: str = "acme/shop") -> dict[str, Any]:
    return {
        "pull_request": {
            "number": 12,
            "head": {"repo": {"full_name": head} if head else None},
            "base": {"repo": {"full_name": base}},
        }
    }


@pytest.mark.parametrize(
    ("event", "number", "fork"),
    [
        pytest.param(_pull("acme/shop"), 12, False, id="same-repo-pull-request"),
        pytest.param(_pull("mallory/shop"), 12, True, id="fork"),
        pytest.param(_pull(None), 12, True, id="deleted-fork"),
        pytest.param({"ref": "refs/heads/main"}, None, False, id="push"),
        pytest.param(
            {"workflow_run": {"pull_requests": [{"number": 7}], "head_sha": "abc"}},
            7,
            False,
            id="workflow-run",
        ),
        pytest.param({"workflow_run": {"pull_requests": []}}, None, False, id="workflow-run-fork"),
        pytest.param({"pull_request": {"number": "12"}}, None, False, id="number-not-int"),
    ],
)
def test_event_payload(event: dict[str, Any], number: int | None, fork: bool) -> None:
    assert pull_request_number(event) == number
    assert is_fork_pull_request(event) is fork


def test_load_event(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(_pull("acme/shop")))
    assert pull_request_number(load_event(str(path))) == 12
    assert load_event("") == {}
    path.write_text("{not json")
    with pytest.raises(UsageError, match=r"GITHUB_EVENT_PATH .*cannot read the event payload"):
        load_event(str(path))


def test_workspace_relative(tmp_path: Path) -> None:
    (tmp_path / "services" / "shop").mkdir(parents=True)
    assert workspace_relative(tmp_path / "services" / "shop", str(tmp_path)) == "services/shop"
    assert workspace_relative(tmp_path, str(tmp_path)) == ""


@pytest.mark.parametrize(
    ("policy", "passing", "warning", "failing"),
    [
        pytest.param("always", True, True, True, id="always"),
        pytest.param("auto", False, True, True, id="auto"),
        pytest.param("on-failure", False, False, True, id="on-failure"),
        pytest.param("never", False, False, False, id="never"),
    ],
)
def test_comment_policy_decides_when_to_create(
    policy: str, passing: bool, warning: bool, failing: bool
) -> None:
    assert comment_wanted(policy, sample_results.passing()) is passing
    assert comment_wanted(policy, sample_results.drift()) is warning  # drift warnings only
    assert comment_wanted(policy, sample_results.failing()) is failing
