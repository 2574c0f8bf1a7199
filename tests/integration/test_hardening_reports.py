"""A forged report.json and secrets with Markdown metacharacters: comment, summary and reports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from registry_contract.commands import _common
from support.fake_github import FakeGitHub

Cli = Any
TOKEN = "ghs_hardeningTokenForTests0123456789"
REPO = "acme/shop"
SHA = "ab" * 20
JSONL = Path("tests/contracts/fixtures/payloads/telemetry.FeedbackEvent/valid/captured.jsonl")
# Markdown, HTML, JSON, XML and workflow-command metacharacters between distinctive pieces:
# no escaped form of the secret may survive, so none of the pieces may appear anywhere.
SECRET = 'Qz9_Wx7*Vy4<&>"Uq2\\Rt5%Pp3:Kk8,Jj6`Hh1|'
PIECES = ("Qz9", "Wx7", "Vy4", "Uq2", "Rt5", "Pp3", "Kk8", "Jj6", "Hh1")


@pytest.fixture
def gh(example: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A loopback GitHub with pull request #7, and a workflow_run job's environment."""
    runner = example / "runner"
    runner.mkdir()
    event = runner / "event.json"
    event.write_text(json.dumps({"workflow_run": {"head_sha": SHA, "pull_requests": []}}))
    with FakeGitHub(token=TOKEN) as fake:
        fake.add_pull_request(REPO, number=7, head_sha=SHA)
        for name, value in {
            "GITHUB_ACTIONS": "true",
            "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
            "GITHUB_OUTPUT": str(runner / "output"),
            "GITHUB_WORKSPACE": str(example),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": fake.url,
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_EVENT_PATH": str(event),
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("GH_TOKEN", raising=False)
        yield fake


def forged_report() -> dict[str, Any]:
    """A report of the right shape whose every text field is hostile Markdown and HTML."""
    hostile = "<img src=x onerror=alert(1)> @everyone `see` https://evil.example/x [go](https://evil.example)"
    return {
        "report-version": 1,
        "mode": "enforce",
        "override": f"<b>ignore me</b> @everyone {hostile}",
        "command": "registry-contract gate",
        "schemas": [{"name": f"shop.Order{hostile}", "track": hostile, "drift": hostile}],
        "findings": [
            {
                "kind": hostile,
                "severity": "error",
                "schema": hostile,
                "track": hostile,
                "file": hostile,
                "line": 3,
                "path": hostile,
                "rule": hostile,
                "message": hostile,
            }
        ],
        "timings": {hostile: 1.5},
    }


CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")


def assert_inert(markdown: str) -> None:
    """Outside code spans (which GitHub renders literally), no HTML, mention or link."""
    text = CODE_SPAN.sub("", markdown)
    for raw in ("<img", "<b>ignore", "@everyone", "https://evil", "[go]("):
        assert raw not in text, raw
    assert "@&#8203;everyone" in text and "https:&#8203;//evil" in text


def test_a_forged_report_renders_no_html_mentions_or_links(
    gh: FakeGitHub, example: Path, cli: Cli
) -> None:
    report = example / "report.json"
    report.write_text(json.dumps(forged_report()))
    assert cli("summary", "--report", str(report))[0] == 0
    code, _, err = cli("comment", "--report", str(report), "--pull-request", "7")
    assert code == 0, err
    [comment] = gh.comments(REPO, 7)
    summary = (example / "runner" / "summary.md").read_text()
    for markdown in (summary, comment["body"]):
        assert_inert(markdown)
        counts = next(line for line in markdown.splitlines() if "1 violation" in line)
        assert "&lt;img src=x onerror=alert(1)&gt;" in counts  # the kind, escaped


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        pytest.param(_nested(100_000), "nested too deeply", id="nested-100000"),
        pytest.param(
            '{"report-version": 1, "mode": "enforce", "timings": {"x": NaN}}', "NaN", id="nan"
        ),
        pytest.param(
            '{"report-version": 1, "mode": "enforce", "timings": {"x": 1' + "0" * 400 + "}}",
            "at /timings/x",
            id="timing-beyond-a-double",
        ),
        pytest.param(
            '{"report-version": 1, "mode": "enforce", "findings": ["x"]}',
            "at /findings/0",
            id="finding-not-an-object",
        ),
        pytest.param(
            '{"report-version": 1, "mode": "enforce", "fetch": {"requests": "many"}}',
            "at /fetch/requests",
            id="fetch-not-a-number",
        ),
        pytest.param(
            '{"report-version": 1, "mode": "enforce", "schemas": [{"name": "a", "fixtures": {"passed": 1e400}}]}',
            "beyond the range",
            id="count-beyond-a-double",
        ),
    ],
)
def test_a_malformed_report_is_refused_with_exit_2(
    gh: FakeGitHub, example: Path, cli: Cli, text: str, detail: str
) -> None:
    report = example / "report.json"
    report.write_text(text)
    for command in (["summary"], ["comment", "--pull-request", "7"]):
        code, out, err = cli(*command, "--report", str(report))
        assert code == 2, err
        assert err.startswith(f"registry-contract: error: report {report}: ") and detail in err
        assert err.count("\n") == 1 and out == ""
    assert gh.calls("POST") == [] and not (example / "runner" / "summary.md").exists()


def test_a_report_over_the_size_limit_is_refused_unread(
    gh: FakeGitHub, example: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_common, "REPORT_LIMIT", 1024)
    report = example / "report.json"
    report.write_text(json.dumps(forged_report() | {"command": "x" * 2000}))
    code, _, err = cli("summary", "--report", str(report))
    assert code == 2 and "larger than" in err


def test_secrets_with_markup_characters_are_redacted_before_any_escaping(
    gh: FakeGitHub, example: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_TOKEN", SECRET)
    path = example / JSONL
    record = json.loads(path.read_text().splitlines()[0]) | {"backpressure": SECRET}
    path.write_text(path.read_text() + json.dumps(record) + "\n")
    code, out, err = cli("gate", "--offline", "--report-dir", "reports", "--comment", "always")
    assert code == 1, err
    reports = example / "reports"
    written = [out, err, (example / "runner" / "summary.md").read_text()]
    written += [p.read_text() for p in sorted(reports.iterdir())]
    code, replay_out, replay_err = cli(
        "comment", "--report", str(reports / "report.json"), "--pull-request", "7"
    )
    assert code == 0, replay_err
    written += [replay_out, replay_err, *(r.body for r in gh.requests)]
    assert gh.requests
    for text in written:
        assert not [piece for piece in PIECES if piece in text], text
    assert "'***' is not one of" in out
    assert "\\*\\*\\*" in gh.comments(REPO, 7)[0]["body"]


def test_the_drift_markdown_escapes_the_registrys_text(example: Path, cli: Cli) -> None:
    hostile = "<img src=x> @everyone https://evil.example [go](https://evil.example)"
    path = example / "examples" / "schemas" / "telemetry.FeedbackEvent" / "v2.json"
    schema = json.loads(path.read_text())
    schema["properties"][hostile] = {"type": "string"}
    schema["required"].append(hostile)
    path.write_text(json.dumps(schema))
    code, out, err = cli("drift", "--format", "markdown")
    assert code == 1, err
    assert "NEW requires property" in out
    assert_inert(out)


def test_summary_on_stdout_starts_no_line_with_a_command(
    example: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH"):
        monkeypatch.delenv(name, raising=False)
    report = forged_report()
    report["findings"][0]["message"] = "::stop-commands::FORGED"
    path = example / "report.json"
    path.write_text(json.dumps(report))
    code, out, _ = cli("summary", "--report", str(path))
    assert code == 0 and "stop-commands" in out
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]
