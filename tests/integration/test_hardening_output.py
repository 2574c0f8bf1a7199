"""Hostile names, reports and payloads: every printed line stays one line and forges no command."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from registry_contract.lock.reader import load_lock, render_lock
from registry_contract.lock.writer import write_lock

Cli = Callable[..., tuple[int, str, str]]
FEEDBACK = "telemetry.FeedbackEvent"
FIXTURES = Path("tests/contracts/fixtures/payloads")
VALID = FIXTURES / FEEDBACK / "valid"
# What a line must never hold, and what a hostile value may try to start a line with.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
BREAKS = ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1b[2K\r"]
FORGERIES = ["::error::FORGED", "::stop-commands::FORGED", "::add-mask::FORGED", "##[error]FORGED"]
OWN_COMMAND = re.compile(r"::(error|warning|notice)( [^:]*)?::(?!FORGED)")


def hostile_names(seed: int, count: int) -> list[str]:
    """File-name-safe strings where a line break (of any kind) precedes a forged command."""
    rng = random.Random(seed)
    names = []
    for number in range(count):
        parts = [f"n{number}"]
        for _ in range(rng.randint(1, 3)):
            parts += [rng.choice(BREAKS), rng.choice(FORGERIES)]
        names.append("".join(parts))
    return names


def assert_printable(*texts: str) -> None:
    """Each line: no break or control character, and a workflow command only if ours."""
    for text in texts:
        for line in text.split("\n"):
            assert not UNSAFE.search(line), repr(line)
            stripped = line.lstrip()
            assert not stripped.startswith("FORGED"), repr(line)
            if stripped.startswith("::"):
                assert OWN_COMMAND.match(stripped), repr(line)
            else:  # the runner looks for `##[` only in a line that is no `::` command
                assert "##[" not in line, repr(line)


@pytest.fixture
def actions_env(example: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """GitHub Actions' environment without a token: annotations, outputs and the summary."""
    runner = example / "runner"
    runner.mkdir()
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", str(runner / "output"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(runner / "summary.md"))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(example))
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_EVENT_PATH"):
        monkeypatch.delenv(name, raising=False)
    return example


def test_hostile_fixture_names_and_override_reason_stay_on_their_lines(
    actions_env: Path, cli: Cli
) -> None:
    names = hostile_names(seed=13, count=12)
    for name in names:
        (actions_env / VALID / f"{name}.json").write_text("{}")
    reason = hostile_names(seed=14, count=1)[0]
    code, out, err = cli("gate", "--offline", "--override-reason", reason, "--report-dir", "r")
    assert code == 0  # the override turns enforce into warn
    assert out.count("::warning file=") == 10  # GitHub's per-step limit
    assert_printable(out, err)
    assert f"OVERRIDE: {reason[:2]}" in out and "\\n" in out
    code, out, err = cli("gate", "--offline", "--format", "json")
    assert code == 1
    assert_printable(out, err)
    assert {f["file"].rsplit("/", 1)[-1] for f in json.loads(out)["findings"]} >= {
        f"{name}.json" for name in names
    }


def test_hostile_names_in_samples_compat_verify_doctor_and_errors_stay_on_their_lines(
    example: Path, cli: Cli
) -> None:
    [samples, old, new, missing] = (example / n for n in hostile_names(seed=15, count=4))
    samples.write_text('{"level": "x"}\n')
    outputs = [cli("validate", "--samples", str(samples), "--schema", FEEDBACK)]
    prop = hostile_names(seed=16, count=1)[0]
    old.write_text(json.dumps({"type": "object", "properties": {prop: {"type": "string"}}}))
    new.write_text(json.dumps({"type": "object", "properties": {prop: {"type": "integer"}}}))
    outputs.append(cli("compat", str(old), str(new)))
    outputs.append(cli("--config", str(missing), "gate"))
    outputs.append(cli("doctor"))
    index = example / "schemas-lock" / "lock.json"
    lock = json.loads(index.read_text())
    lock["schemas"][FEEDBACK]["v1"]["file"] = hostile_names(seed=17, count=1)[0]
    index.write_text(json.dumps(lock))
    outputs.append(cli("verify"))
    outputs.append(cli("gate", "--offline", missing.name))  # argparse quotes it
    assert [code for code, _, _ in outputs] == [1, 1, 2, 1, 4, 2]
    for _, out, err in outputs:
        assert_printable(out, err)
    assert "n0" in outputs[0][1] and "n0" in outputs[1][1] and "n0" in outputs[4][2]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=cwd, check=True)


def change_locked(lock_dir: Path, name: str, track: str, change: Callable[[Any], None]) -> None:
    """Rewrite one locked schema in place, with its digest, as a pull request could."""
    lock = load_lock(lock_dir)
    documents = {
        n: {t: (e.version, lock.schema(n, t)) for t, e in ts.items()}
        for n, ts in lock.entries.items()
    }
    change(documents[name][track][1])
    write_lock(lock_dir, render_lock(lock.registry, documents))


def test_property_names_in_a_pull_requests_lock_stay_on_their_lines(
    example: Path, cli: Cli
) -> None:
    prop = hostile_names(seed=18, count=1)[0]

    def add_hostile(document: Any) -> None:
        document["properties"][prop] = {"type": "string"}

    def retype_hostile(document: Any) -> None:
        document["properties"][prop] = {"type": "integer"}

    change_locked(example / "schemas-lock", FEEDBACK, "v2", add_hostile)
    git(example, "init", "-q", "-b", "main")
    git(example, "add", "-A")
    git(example, "commit", "-qm", "base")
    change_locked(example / "schemas-lock", FEEDBACK, "v2", retype_hostile)
    code, out, err = cli("gate", "--offline", "--against", "main")
    assert code == 1 and "at /properties/n0" in out
    assert_printable(out, err)


class _HostileConfluent(BaseHTTPRequestHandler):
    """A Confluent-style registry whose answer names a hostile schemaType."""

    schema_type = ""

    def do_GET(self) -> None:
        body = json.dumps(
            {"subject": self.path.split("/")[2], "version": 1, "id": 1, "schema": "{}"}
            | {"schemaType": self.schema_type}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def hostile_confluent() -> Iterator[str]:
    _HostileConfluent.schema_type = "AVRO" + hostile_names(seed=19, count=1)[0]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileConfluent)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_registrys_schema_type_stays_on_its_line(
    project: Callable[..., Path], hostile_confluent: str, cli: Cli
) -> None:
    project({"api": "confluent", "url": hostile_confluent, "allow-insecure-http": True})
    code, out, err = cli("lock")
    assert code == 3 and "AVROn0" in err and len(err.strip().split("\n")) == 1
    assert_printable(out, err)


def test_file_and_folder_names_that_are_not_utf8_are_shown_escaped(
    actions_env: Path, cli: Cli
) -> None:
    fixtures = os.fsencode(actions_env / VALID.parent)
    (Path(os.fsdecode(fixtures + b"/valid/bad\xff.json"))).write_text("{}")
    track = Path(os.fsdecode(fixtures + b"/v\xfe/valid"))
    track.mkdir(parents=True)
    (track / "x.json").write_text("{}")
    code, out, err = cli("gate", "--offline", "--report-dir", "reports")
    assert code == 1, err
    assert "valid/bad\\xff.json:1: " in out and "telemetry.FeedbackEvent@v\\xfe " in out
    summary = (actions_env / "runner" / "summary.md").read_text()
    assert "bad\\xff.json" in summary
    assert_printable(out, err)
