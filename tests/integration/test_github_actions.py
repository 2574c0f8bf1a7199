"""`registry-contract gate` under GitHub Actions: outputs, summary, annotations and the comment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from registry_contract.cli import main
from registry_contract.report.markdown import render_markdown
from registry_contract.report.parse import result_from_report
from support.fake_github import FakeGitHub

TOKEN = "ghs_actionsTokenForTests0123456789"
REPO = "acme/shop"
MARKER = "<!-- registry-contract-gate:default -->"
JSONL = "tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/captured.jsonl"
HEAD_SHA = "c0ffee" * 6 + "c0ff"


@dataclass
class Actions:
    root: Path
    gh: FakeGitHub
    monkeypatch: pytest.MonkeyPatch

    @property
    def output(self) -> Path:
        return self.root / "runner" / "output"

    @property
    def summary(self) -> Path:
        return self.root / "runner" / "summary.md"

    def event(self, payload: dict[str, Any]) -> None:
        path = self.root / "runner" / "event.json"
        path.write_text(json.dumps(payload))
        self.monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))

    def outputs(self) -> dict[str, str]:
        """$GITHUB_OUTPUT as the runner reads it (heredoc form only: that is all we write)."""
        found: dict[str, str] = {}
        lines = iter(self.output.read_text().split("\n"))
        for line in lines:
            if "<<" in line:
                name, delimiter = line.split("<<", 1)
                found[name] = "\n".join(iter(lines.__next__, delimiter))
        return found

    def break_fixture(self, value: str = "panic") -> None:
        """A valid JSONL fixture gains a 4th line whose `backpressure` is not in the enum."""
        path = self.root / JSONL
        record = json.loads(path.read_text().splitlines()[0])
        record["backpressure"] = value
        path.write_text(path.read_text() + json.dumps(record) + "\n")

    def fix_fixture(self) -> None:
        path = self.root / JSONL
        path.write_text("\n".join(path.read_text().splitlines()[:3]) + "\n")


def pull_request_event(head_repo: str = REPO) -> dict[str, Any]:
    return {
        "pull_request": {
            "number": 7,
            "head": {"sha": HEAD_SHA, "repo": {"full_name": head_repo}},
            "base": {"repo": {"full_name": REPO}},
        }
    }


@pytest.fixture
def actions(example: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Actions]:
    (example / "runner").mkdir()
    with FakeGitHub(prefix="/api/v3", token=TOKEN) as gh:  # an Enterprise-style API URL
        gh.add_pull_request(REPO, number=7, head_sha=HEAD_SHA)
        env = Actions(example, gh, monkeypatch)
        for name, value in {
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(env.output),
            "GITHUB_STEP_SUMMARY": str(env.summary),
            "GITHUB_WORKSPACE": str(example),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": gh.url,
            "GITHUB_SERVER_URL": "https://ghe.example",
            "GITHUB_RUN_ID": "100",
            "GITHUB_TOKEN": TOKEN,
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("GH_TOKEN", raising=False)
        env.event(pull_request_event())
        yield env


def gate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["gate", "--offline", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_passing_gate_writes_outputs_summary_and_reports(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = gate(capsys, "--report-dir", "reports")
    assert code == 0, out + err
    outputs = actions.outputs()
    report = actions.root / "reports" / "report.json"
    assert outputs == {
        "result": "pass",
        "violations": "0",
        "invalid-fixtures": "0",
        "breaking-changes": "0",
        "drift": "false",
        "fallbacks": "0",
        "report-json": str(report),
        "summary-markdown": str(actions.root / "reports" / "summary.md"),
    }
    assert json.loads(report.read_text())["result"] == "pass"
    for name in ("summary.md", "junit.xml", "results.sarif"):
        assert (actions.root / "reports" / name).is_file()
    assert actions.summary.read_text().startswith("## ✅ Contract gate passed")
    assert "::error" not in out
    assert actions.gh.requests == []  # no --comment: no API call


def test_failing_gate_annotates_the_jsonl_line_and_posts_one_comment(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.break_fixture()
    code, out, err = gate(capsys, "--comment", "auto")
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert errors and all(line.startswith(f"::error file={JSONL},line=4,") for line in errors)
    outputs = actions.outputs()
    assert outputs["result"] == "fail" and int(outputs["invalid-fixtures"]) >= 1
    assert outputs["report-json"] == ""  # no --report-dir
    assert "## ❌ Contract gate failed" in actions.summary.read_text()
    [comment] = actions.gh.comments(REPO, 7)
    assert comment["body"].startswith(MARKER)
    assert "'panic' is not one of" in comment["body"]
    assert "comment created on pull request #7" in err


def test_rerun_leaves_the_comment_alone_and_a_fix_updates_it(
    actions: Actions, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    actions.break_fixture()
    assert gate(capsys, "--comment", "auto")[0] == 1
    monkeypatch.setenv("GITHUB_RUN_ID", "101")  # another run: other timings, another link
    code, _, err = gate(capsys, "--comment", "auto")
    assert code == 1 and "comment unchanged" in err
    assert len(actions.gh.calls("POST")) == 1 and actions.gh.calls("PATCH") == []
    actions.fix_fixture()
    code, _, err = gate(capsys, "--comment", "auto")
    assert code == 0 and "comment updated" in err
    [comment] = actions.gh.comments(REPO, 7)
    assert "Contract gate passed" in comment["body"]
    assert len(actions.gh.calls("PATCH")) == 1


def test_auto_comment_stays_quiet_on_a_passing_run(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = gate(capsys, "--comment", "auto")
    assert code == 0 and "nothing to say" in err
    assert actions.gh.calls("POST") == [] and actions.gh.comments(REPO, 7) == []


def test_always_comments_on_a_passing_run(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gate(capsys, "--comment", "always")[0] == 0
    assert len(actions.gh.comments(REPO, 7)) == 1


def test_comment_keys_keep_services_apart(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.break_fixture()
    gate(capsys, "--comment", "auto", "--comment-key", "payments")
    gate(capsys, "--comment", "auto", "--comment-key", "orders")
    bodies = sorted(c["body"].splitlines()[0] for c in actions.gh.comments(REPO, 7))
    assert bodies == [
        "<!-- registry-contract-gate:orders -->",
        "<!-- registry-contract-gate:payments -->",
    ]


def test_fork_pull_request_falls_back_to_the_summary_with_a_notice(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.event(pull_request_event(head_repo="mallory/shop"))
    actions.break_fixture()
    code, out, _ = gate(capsys, "--comment", "auto")
    assert code == 1  # the verdict does not depend on the comment
    notices = [line for line in out.splitlines() if line.startswith("::notice::")]
    assert len(notices) == 1 and "fork pull request" in notices[0]
    assert "Contract gate failed" in actions.summary.read_text()
    assert actions.gh.requests == []


def test_read_only_token_403_falls_back_with_a_notice(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.gh.fault("forbidden", "/repos/*/issues/7/comments", method="POST")
    actions.break_fixture()
    code, out, _ = gate(capsys, "--comment", "always")
    assert code == 1
    notices = [line for line in out.splitlines() if line.startswith("::notice::")]
    assert len(notices) == 1 and "step summary" in notices[0]
    assert "Contract gate failed" in actions.summary.read_text()


def test_unreachable_github_is_a_warning_and_keeps_the_verdict(
    actions: Actions, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    actions.gh.fault("status", "*", status=404)
    code, out, _ = gate(capsys, "--comment", "always")
    assert code == 0
    assert any(line.startswith("::warning::no pull request comment") for line in out.splitlines())


def test_push_event_says_once_that_there_is_no_pull_request(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.event({"ref": "refs/heads/main"})
    code, out, _ = gate(capsys, "--comment", "auto")
    assert code == 0
    assert out.count("::notice::") == 1 and "not a pull request event" in out


def test_json_format_keeps_stdout_one_document(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.break_fixture()
    code, out, err = gate(capsys, "--format", "json")
    assert code == 1
    assert json.loads(out)["result"] == "fail"
    assert "::error file=" in err


def test_outside_actions_nothing_is_written_to_the_runner_files(
    actions: Actions, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS")
    actions.break_fixture()
    code, out, _ = gate(capsys)
    assert code == 1
    assert not actions.output.exists() and not actions.summary.exists()
    assert "::error" not in out


def test_secrets_never_reach_logs_summary_comment_outputs_or_reports(
    actions: Actions, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cr3t-registry-token-value"
    monkeypatch.setenv("REGISTRY_TOKEN", secret)
    actions.break_fixture(value=f"{secret}/{TOKEN}")  # echoed back by the enum error message
    code, out, err = gate(capsys, "--comment", "always", "--report-dir", "reports")
    assert code == 1
    written = [out, err, actions.output.read_text(), actions.summary.read_text()]
    written += [p.read_text() for p in (actions.root / "reports").iterdir()]
    written += [r.body for r in actions.gh.requests]
    for text in written:
        assert secret not in text and TOKEN not in text
    assert "\\*\\*\\*" in actions.gh.comments(REPO, 7)[0]["body"]  # the mask, as Markdown


def test_comment_command_posts_a_saved_report_from_a_workflow_run_job(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.break_fixture()
    assert gate(capsys, "--report-dir", "reports")[0] == 1
    actions.event(
        {
            "workflow_run": {
                "head_sha": HEAD_SHA,
                "pull_requests": [],  # GitHub leaves this empty for a fork's pull request
                "html_url": "https://ghe.example/acme/shop/actions/runs/99",
            }
        }
    )
    report = str(actions.root / "reports" / "report.json")
    code = main(["comment", "--report", report, "--pull-request", "7"])
    out, _ = capsys.readouterr()
    assert code == 0 and "comment created on pull request #7" in out
    [comment] = actions.gh.comments(REPO, 7)
    assert "'panic' is not one of" in comment["body"]
    assert "actions/runs/99" in comment["body"]


def test_comment_command_refuses_a_pull_request_of_another_commit(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gate(capsys, "--report-dir", "reports")[0] == 0
    actions.event({"workflow_run": {"head_sha": "f" * 40, "pull_requests": []}})
    report = str(actions.root / "reports" / "report.json")
    code = main(["comment", "--report", report, "--pull-request", "7", "--comment", "always"])
    _, err = capsys.readouterr()
    assert code == 2
    assert f"pull request #7 is at {HEAD_SHA}, but the report is for {'f' * 40}" in err
    assert actions.gh.calls("POST") == []


def test_comment_command_refuses_a_malformed_report(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = actions.root / "bad.json"
    bad.write_text('{"report-version": 1}')
    assert main(["comment", "--report", str(bad)]) == 2
    assert "not a registry-contract JSON report" in capsys.readouterr().err


def test_summary_command_appends_the_markdown_of_a_saved_report(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.break_fixture()
    assert gate(capsys, "--report-dir", "reports")[0] == 1
    actions.summary.unlink()
    report = actions.root / "reports" / "report.json"
    assert main(["summary", "--report", str(report)]) == 0
    result = result_from_report(json.loads(report.read_text()))
    expected = render_markdown(result, run_url="https://ghe.example/acme/shop/actions/runs/100")
    assert actions.summary.read_text() == expected


def test_summary_command_prints_outside_actions(
    actions: Actions, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert gate(capsys, "--report-dir", "reports")[0] == 0
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert main(["summary", "--report", str(actions.root / "reports" / "report.json")]) == 0
    assert capsys.readouterr().out.startswith("## ✅ Contract gate passed")


def test_bad_comment_key_is_a_usage_error(
    actions: Actions, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = gate(capsys, "--comment", "auto", "--comment-key", "x -->")
    assert code == 2 and "comment key" in err
