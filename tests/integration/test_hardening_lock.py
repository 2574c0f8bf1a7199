"""Hostile or unlucky conditions around `lock`: concurrent runs, trickling registries, bad
credentials and URLs, unapproved hosts, a read-only or full disk, Ctrl-C. Each one is a clear
one-line error with its exit code, no secret anywhere, and the old lock byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from registry_contract.lock.reader import read_lock_files, render_lock
from support.fake_registry import FakeRegistry
from support.trickling_server import trickling_server

Cli = Callable[..., tuple[int, str, str]]
ORDER_V2 = "/schemas/shop.Order/tracks/v2"
SECRET = "s3cr3t-Token_*value*"


@pytest.fixture
def locked(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> tuple[FakeRegistry, Path]:
    """A project locked from a healthy core registry, whose v2 of shop.Order then changes."""
    registry = fake_registry()
    root = project({"api": "core", "url": registry.url})
    assert cli("lock")[0] == 0
    bump_order(registry)
    registry.clear()
    return registry, root


def bump_order(registry: FakeRegistry) -> None:
    v2 = registry.folder / "shop.Order" / "v2.json"
    document = json.loads(v2.read_text())
    document["x-version"] = document.get("x-version", 1) + 1
    v2.write_text(json.dumps(document))


def set_registry(root: Path, **keys: object) -> None:
    """Change keys of the project's `registry:` mapping."""
    path = root / "registry-contract.yml"
    config = yaml.safe_load(path.read_text())
    config["registry"].update({k.replace("_", "-"): v for k, v in keys.items()})
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def one_error_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("registry-contract: error: "), err
    return err


def beside_lock(root: Path) -> list[str]:
    """What sits next to the lock folder: staging trees and writer locks must not linger."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".schemas-lock"))


def start_lock(root: Path, *args: str) -> subprocess.Popen[str]:
    """`registry-contract lock` in a real second process, in the project's folder."""
    return subprocess.Popen(
        [sys.executable, "-m", "registry_contract", "lock", *args],
        cwd=root,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_request(registry: FakeRegistry, path: str, process: subprocess.Popen[str]) -> None:
    """Until the registry has seen `path` (the process is then in the middle of fetching)."""
    while path not in registry.paths():
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)


# --- 1. concurrent runs ------------------------------------------------------------------


def test_a_second_lock_run_fails_at_once_naming_the_first_and_the_first_completes(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    registry, root = locked
    registry.fault("latency", ORDER_V2, ms=1500, times=1)
    first = start_lock(root)
    wait_for_request(registry, ORDER_V2, first)
    code, out, err = cli("lock")
    assert code == 4, (out, err)
    assert f"another `registry-contract lock` (pid {first.pid}) is writing it" in one_error_line(
        err
    )
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, (out, err)
    assert "wrote schemas-lock/ (1 changed)" in out
    assert cli("verify")[0] == 0
    assert beside_lock(root) == []


def test_a_lock_run_never_removes_the_staging_tree_of_a_live_run(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    _, root = locked
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = root / f".schemas-lock.tmp-{sleeper.pid}-abc"
        dead = root / ".schemas-lock.tmp-999999999-abc"
        for tree in (live, dead):
            (tree / "shop.Order").mkdir(parents=True)
        code, _, err = cli("lock")
        assert code == 0, err
        assert live.is_dir() and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


WRITER = """
import json, sys, time
from pathlib import Path
from registry_contract.lock.writer import write_lock

lock_dir = Path(sys.argv[1])
versions = [
    {rel: text.encode() for rel, text in files.items()} for files in json.loads(sys.argv[2])
]
print("ready", flush=True)
n = 0
while True:
    write_lock(lock_dir, versions[n % 2])
    n += 1
    time.sleep(0.01)  # refreshes back to back, yet not one swap per reader's breath
"""
LOCK_VERSIONS = [
    render_lock(
        {"api": "core", "url": "http://x"},
        {f"s{i}.Event": {"v1": (n, {"type": "object", "title": f"{i}-{n}"})} for i in range(40)},
    )
    for n in (1, 2)
]


@pytest.fixture
def swapping_lock(tmp_path: Path) -> Iterator[Path]:
    """A lock folder that another process keeps replacing with one of LOCK_VERSIONS."""
    lock_dir = tmp_path / "schemas-lock"
    texts = [{rel: data.decode() for rel, data in files.items()} for files in LOCK_VERSIONS]
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(lock_dir), json.dumps(texts)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        while not (lock_dir / "lock.json").exists():
            time.sleep(0.01)
        yield lock_dir
    finally:
        writer.kill()
        writer.communicate()


def test_verify_never_sees_a_half_swapped_lock_while_another_process_refreshes_it(
    swapping_lock: Path, cli: Cli
) -> None:
    results = [cli("verify", "--lock-dir", str(swapping_lock)) for _ in range(150)]
    assert [err for code, _, err in results if code != 0] == []


def test_the_lock_is_read_whole_from_one_tree_while_another_process_refreshes_it(
    swapping_lock: Path,
) -> None:
    reads = [read_lock_files(swapping_lock) for _ in range(150)]
    assert all(files in LOCK_VERSIONS for files in reads)


# --- 3. credentials ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        pytest.param("REGISTRY_TOKEN", f"{SECRET}\n", id="trailing-newline"),
        pytest.param("REGISTRY_TOKEN", f"{SECRET}\r\n::stop-commands::x", id="crlf"),
        pytest.param("REGISTRY_TOKEN", f"{SECRET}\x1b[2J", id="escape"),
        pytest.param("REGISTRY_TOKEN", f"{SECRET}\u20ac", id="non-latin-1"),
        pytest.param("REGISTRY_PASSWORD", f"{SECRET}\nsecond-line-secret", id="basic-password"),
        pytest.param("REGISTRY_USERNAME", f"user\u2028{SECRET}", id="basic-username"),
    ],
)
def test_lock_refuses_a_credential_that_cannot_go_into_a_header_without_printing_it(
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
) -> None:
    registry = fake_registry(api="confluent")
    root = project({"api": "confluent", "url": registry.url})
    assert cli("lock")[0] == 0
    bump_order(registry)
    registry.clear()
    before = read_lock_files(root / "schemas-lock")
    monkeypatch.setenv(variable, value)
    if variable != "REGISTRY_TOKEN":
        monkeypatch.setenv("REGISTRY_USERNAME" if "PASS" in variable else "REGISTRY_PASSWORD", "x1")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = cli("lock")
    assert code == 2, (out, err)
    assert f"{variable} holds a line break, a control character" in one_error_line(err)
    assert registry.paths() == []
    masked = {line.removeprefix("::add-mask::") for line in out.splitlines()}
    printed = "".join(line for line in out.splitlines() if not line.startswith("::add-mask::"))
    if variable != "REGISTRY_USERNAME":  # a user name is not a secret
        assert set(value.splitlines()) - {""} <= masked
    for part in value.splitlines():
        assert part not in err and part not in printed
    assert read_lock_files(root / "schemas-lock") == before


# --- 5. deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "fault", "message"),
    [
        pytest.param(
            {"request_deadline": 1},
            ("slow-body", ORDER_V2, {"interval": 0.1}),
            f"{ORDER_V2}: no complete answer within registry.request-deadline (1 s)",
            id="one-answer-trickles",
        ),
        pytest.param(
            {"deadline": 1, "workers": 1},
            ("latency", "/schemas/*", {"ms": 600}),
            "did not answer every request of this command within registry.deadline (1 s)",
            id="all-answers-together",
        ),
    ],
)
def test_lock_gives_up_on_a_slow_registry_at_the_deadline_and_keeps_the_old_lock(
    locked: tuple[FakeRegistry, Path],
    cli: Cli,
    keys: dict[str, float],
    fault: tuple[str, str, dict[str, float]],
    message: str,
) -> None:
    registry, root = locked
    set_registry(root, read_timeout=5, **keys)
    before = read_lock_files(root / "schemas-lock")
    kind, path, params = fault
    registry.fault(kind, path, **params)
    code, out, err = cli("lock")
    assert code == 3, (out, err)
    assert message in one_error_line(err) and registry.url in err
    assert read_lock_files(root / "schemas-lock") == before
    assert beside_lock(root) == []


def test_the_live_gate_degrades_to_the_lock_when_the_registry_trickles(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    registry, root = locked
    set_registry(root, request_deadline=1, read_timeout=5)
    registry.fault("slow-body", ORDER_V2, interval=0.1)
    code, out, err = cli("gate", "--format", "json")
    assert code == 0, (out, err)
    report = json.loads(out)
    [warning] = [f for f in report["findings"] if f["rule"] == "registry-unreachable"]
    assert "no complete answer within registry.request-deadline (1 s)" in warning["message"]


# --- 8. malformed URLs and secrets in URLs -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(f"http://user:{SECRET}@/x", "holds credentials", id="userinfo-no-host"),
        pytest.param(f"https://user:{SECRET}@registry.example", "holds credentials", id="userinfo"),
        pytest.param(f"http://127.0.0.1:{SECRET}/", "has an invalid port", id="password-as-port"),
        pytest.param("http://127.0.0.1:99999/", "has an invalid port", id="port-out-of-range"),
        pytest.param(
            f"http://[::1/x?token={SECRET}", "has a malformed IPv6 address", id="bad-ipv6"
        ),
        pytest.param(f"http:///x?token={SECRET}", "has no host", id="no-host"),
        pytest.param(
            f"https://registry.example/api?token={SECRET}", "has a query string", id="query-token"
        ),
    ],
)
def test_a_malformed_registry_url_is_refused_without_printing_it(
    project: Callable[..., Path],
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    message: str,
) -> None:
    root = project({"api": "core", "url": "https://registry.example"})
    monkeypatch.setenv("REGISTRY_URL", url)
    for command in ("lock", "doctor"):
        code, out, err = cli(command)
        assert SECRET not in out + err
        if command != "doctor":
            assert code == 2, (command, out, err)
            assert f"registry.url (or REGISTRY_URL) {message}" in one_error_line(err)
    assert not (root / "schemas-lock").exists()


def test_an_error_after_a_redirect_names_the_url_that_answered_without_its_signature(
    locked: tuple[FakeRegistry, Path], fake_registry: Callable[..., FakeRegistry], cli: Cli
) -> None:
    registry, root = locked
    other = fake_registry()
    other.fault("status", "/signed*", status=500)
    registry.fault("redirect", ORDER_V2, to=f"{other.url}/signed?X-Amz-Signature={SECRET}&a=")
    before = read_lock_files(root / "schemas-lock")
    code, out, err = cli("lock")
    assert code == 3, (out, err)
    assert one_error_line(err).startswith(
        f"registry-contract: error: {other.url}/signed?X-Amz-Signature=***"
    )
    assert "HTTP 500" in err and SECRET not in out + err
    assert read_lock_files(root / "schemas-lock") == before


# --- 11. read-only folder, full disk, Ctrl-C ----------------------------------------------


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real, small tmpfs (the machine's root may mount; elsewhere the test is skipped)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): " + done.stderr.decode().strip())
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def lock_on(tmpfs: Path, registry: FakeRegistry, root: Path, cli: Cli) -> Path:
    """Lock into a folder on the tmpfs; return that folder."""
    config = yaml.safe_load((root / "registry-contract.yml").read_text())
    config["lock-dir"] = str(tmpfs / "schemas-lock")
    (root / "registry-contract.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    assert cli("lock")[0] == 0
    bump_order(registry)
    return tmpfs / "schemas-lock"


def test_lock_on_a_read_only_filesystem_is_a_lock_error_naming_the_path(
    locked: tuple[FakeRegistry, Path], tmpfs: Path, cli: Cli
) -> None:
    registry, root = locked
    lock_dir = lock_on(tmpfs, registry, root, cli)
    before = read_lock_files(lock_dir)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    code, out, err = cli("lock")
    assert code == 4, (out, err)
    assert f"{tmpfs}/.schemas-lock.lock: cannot write the lock (Read-only file system)" in (
        one_error_line(err)
    )
    assert read_lock_files(lock_dir) == before


@pytest.mark.parametrize(
    ("free", "where"),
    [
        pytest.param(0, ".schemas-lock.lock", id="full-before-the-run"),
        pytest.param(1, "schemas-lock", id="full-while-writing-the-tree"),
    ],
)
def test_lock_on_a_full_disk_is_a_lock_error_naming_the_path_and_keeps_the_old_lock(
    locked: tuple[FakeRegistry, Path], tmpfs: Path, cli: Cli, free: int, where: str
) -> None:
    registry, root = locked
    lock_dir = lock_on(tmpfs, registry, root, cli)
    before = read_lock_files(lock_dir)
    with open(tmpfs / "filler", "wb", buffering=0) as filler:
        with pytest.raises(OSError, match="No space left"):
            while True:
                filler.write(b"x" * 4096)
        filler.truncate(max(0, filler.tell() - free * 4096))  # room for the writer's pid only
    code, out, err = cli("lock")
    assert code == 4, (out, err)
    assert (
        f"{tmpfs / where}: cannot write the lock (No space left on device); the previous lock "
        "is intact" in one_error_line(err)
    )
    (tmpfs / "filler").unlink()
    assert read_lock_files(lock_dir) == before
    assert [p.name for p in tmpfs.iterdir()] == ["schemas-lock"]


def test_ctrl_c_during_a_slow_fetch_exits_130_and_keeps_the_old_lock(
    locked: tuple[FakeRegistry, Path],
) -> None:
    registry, root = locked
    before = read_lock_files(root / "schemas-lock")
    registry.fault("latency", ORDER_V2, ms=20_000)
    process = start_lock(root)
    wait_for_request(registry, ORDER_V2, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, (out, err)
    assert "interrupted; a lock refresh in progress leaves the previous lock intact" in (
        one_error_line(err)
    )
    assert read_lock_files(root / "schemas-lock") == before
    assert beside_lock(root) == []


# --- 13. smaller ones ----------------------------------------------------------------------


def test_confluent_without_credentials_names_both_ways_to_set_them(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry(api="confluent", basic=("user", SECRET))
    project({"api": "confluent", "url": registry.url})
    code, _, err = cli("lock")
    assert code == 3
    assert "credentials were required but none were set" in one_error_line(err)
    assert "set REGISTRY_TOKEN (or REGISTRY_USERNAME and REGISTRY_PASSWORD)" in err


def test_lock_refuses_a_remote_ref_with_the_message_the_gate_gives(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    from registry_contract.errors import LockError
    from registry_contract.validation.validators import check_remote_refs

    registry, root = locked
    v2 = registry.folder / "shop.Order" / "v2.json"
    document = json.loads(v2.read_text())
    document["properties"]["customer"] = {"$ref": "https://elsewhere.example/customer.json"}
    v2.write_text(json.dumps(document))
    before = read_lock_files(root / "schemas-lock")
    code, out, err = cli("lock")
    assert code == 3, (out, err)
    label = f"{root / 'schemas-lock' / 'shop.Order' / 'v2'}.json (shop.Order@v2)"
    with pytest.raises(LockError) as gate_error:
        check_remote_refs(document, set(), label)
    assert one_error_line(err) == f"registry-contract: error: {gate_error.value}\n"
    assert read_lock_files(root / "schemas-lock") == before


@pytest.mark.parametrize(
    "version",
    [
        pytest.param(1.5, id="float"),
        pytest.param(-3, id="negative"),
        pytest.param(0, id="zero"),
        pytest.param(True, id="boolean"),
        pytest.param("2", id="string"),
    ],
)
def test_verify_refuses_a_version_that_is_not_a_positive_integer(
    locked: tuple[FakeRegistry, Path], cli: Cli, version: object
) -> None:
    _, root = locked
    index = root / "schemas-lock" / "lock.json"
    data = json.loads(index.read_text())
    data["schemas"]["shop.Order"]["v2"]["version"] = version
    index.write_text(json.dumps(data))
    code, _, err = cli("verify")
    assert code == 4
    assert f"version of shop.Order@v2 is {version!r}, not a positive integer" in one_error_line(err)


# --- 14. allowed registry hosts -------------------------------------------------------------


def test_the_token_goes_only_to_an_allowed_registry_host(
    locked: tuple[FakeRegistry, Path], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry, root = locked
    before = read_lock_files(root / "schemas-lock")
    monkeypatch.setenv("REGISTRY_TOKEN", SECRET)
    monkeypatch.setenv("REGISTRY_CONTRACT_ALLOWED_HOSTS", "registry.example.com, *.corp.example")
    for command in ("lock", "drift", "gate"):
        code, out, err = cli(command)
        assert code == 2, (command, out, err)
        assert "refusing to contact the registry at 127.0.0.1: it is not in " in one_error_line(err)
        assert SECRET not in out + err
    assert registry.paths() == []
    assert read_lock_files(root / "schemas-lock") == before
    port = registry.url.rsplit(":", 1)[1]
    monkeypatch.setenv("REGISTRY_CONTRACT_ALLOWED_HOSTS", f"registry.example.com 127.0.0.1:{port}")
    monkeypatch.delenv("REGISTRY_TOKEN")
    assert cli("lock")[0] == 0


# --- the same class elsewhere: JSON nested deeper than the parser goes ---------------------


def nested(depth: int) -> str:
    return '{"not": ' * depth + "{}" + "}" * depth


def test_a_registry_answer_nested_too_deeply_is_a_registry_error(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    registry, root = locked
    before = read_lock_files(root / "schemas-lock")
    body = '{"name": "shop.Order", "track": "v2", "version": 2, "schema": ' + nested(100_000)
    registry.fault("body", ORDER_V2, body=body + "}")
    code, out, err = cli("lock")
    assert code == 3, (out, err)
    assert f"{registry.url}{ORDER_V2}: the schema of shop.Order@v2 is nested more than 128" in (
        one_error_line(err)
    )
    assert read_lock_files(root / "schemas-lock") == before


@pytest.mark.parametrize(
    ("where", "message"),
    [
        pytest.param(
            "lock.json", "lockfile is not valid JSON (maximum recursion depth exceeded", id="index"
        ),
        pytest.param(  # found without parsing it
            "shop.Order/v2.json",
            "v2.json (shop.Order@v2): nested more than 128 levels deep",
            id="schema",
        ),
    ],
)
def test_verify_reports_a_lock_file_nested_too_deeply(
    locked: tuple[FakeRegistry, Path], cli: Cli, where: str, message: str
) -> None:
    _, root = locked
    (root / "schemas-lock" / where).write_text(nested(100_000))
    if where != "lock.json":  # the digest matches: the file itself is the problem
        index = root / "schemas-lock" / "lock.json"
        data = json.loads(index.read_text())
        digest = hashlib.sha256(nested(100_000).encode()).hexdigest()
        data["schemas"]["shop.Order"]["v2"]["sha256"] = digest
        index.write_text(json.dumps(data))
    code, _, err = cli("verify")
    assert code == 4
    assert message in err
    assert "internal error" not in err


def test_doctor_on_confluent_without_credentials_names_both_ways_to_set_them(
    fake_registry: Callable[..., FakeRegistry], project: Callable[..., Path], cli: Cli
) -> None:
    registry = fake_registry(api="confluent", basic=("user", SECRET))
    project({"api": "confluent", "url": registry.url})
    code, out, _ = cli("doctor")
    assert code != 0
    assert "export REGISTRY_TOKEN, or REGISTRY_USERNAME and REGISTRY_PASSWORD" in out
    assert SECRET not in out


@pytest.mark.parametrize("kind", ["fifo", "device", "oversize"])
def test_a_folder_registry_refuses_a_schema_file_that_would_block_or_never_end(
    registry_folder: Path, project: Callable[..., Path], cli: Cli, kind: str
) -> None:
    root = project({"api": "static", "url": str(registry_folder)})
    assert cli("lock")[0] == 0
    before = read_lock_files(root / "schemas-lock")
    target = registry_folder / "shop.Order" / "v2.json"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)  # nobody ever writes to it: a plain open would wait forever
    elif kind == "device":
        target.symlink_to("/dev/zero")
    else:
        target.write_bytes(b" " * (6 * 1024 * 1024))
    code, out, err = cli("lock")
    assert code == 3, (out, err)
    expected = "larger than 5 MiB" if kind == "oversize" else "not a regular file"
    assert f"{target}: {expected}" in one_error_line(err)
    assert read_lock_files(root / "schemas-lock") == before


def deep_schema(depth: int) -> str:
    """A schema whose `properties` nest `depth` times: 2 * depth + 1 levels of JSON."""
    return '{"properties": {"a": ' * depth + "{}" + "}}" * depth


@pytest.mark.parametrize(
    "depth",
    [
        pytest.param(70, id="141-levels"),
        pytest.param(400, id="801"),
        pytest.param(2_500, id="5,001"),
        pytest.param(50_000, id="100,001"),
    ],
)
def test_lock_refuses_a_registry_schema_deeper_than_verify_accepts_and_keeps_the_old_lock(
    locked: tuple[FakeRegistry, Path], cli: Cli, depth: int
) -> None:
    registry, root = locked
    message = "the schema of shop.Order@v2 is nested more than 128 levels deep"
    before = read_lock_files(root / "schemas-lock")
    envelope = '{"name": "shop.Order", "track": "v2", "version": 2, "schema": %s}'
    registry.fault("body", ORDER_V2, body=envelope % deep_schema(depth))
    for argv in (["lock"], ["lock", "--check"], ["drift"], ["gate", "--require-registry"]):
        code, out, err = cli(*argv)
        assert code == 3, (argv, out, err)
        assert f"{registry.url}{ORDER_V2}: {message}" in one_error_line(err)
    code, out, _ = cli("gate")  # the live gate degrades to the lock
    assert code == 0
    assert f"warning  registry: {registry.url}{ORDER_V2}: {message}" in out
    code, out, _ = cli("doctor")
    assert code == 1
    assert f"❌ registry reachable: {registry.url}{ORDER_V2}: {message}" in out
    assert read_lock_files(root / "schemas-lock") == before
    assert cli("verify")[0] == 0


@pytest.mark.parametrize("api", ["static", "folder"])
def test_a_static_registry_schema_deeper_than_verify_accepts_is_refused_at_lock_time(
    registry_folder: Path,
    fake_registry: Callable[..., FakeRegistry],
    project: Callable[..., Path],
    cli: Cli,
    api: str,
) -> None:
    url = str(registry_folder) if api == "folder" else fake_registry(api="static").url
    root = project({"api": "static", "url": url})
    assert cli("lock")[0] == 0
    before = read_lock_files(root / "schemas-lock")
    target = registry_folder / "shop.Order" / "v2.json"
    target.write_text(deep_schema(100))
    code, out, err = cli("lock")
    assert code == 3, (out, err)
    where = target if api == "folder" else f"{url}/shop.Order/v2.json"
    assert f"{where}: the schema of shop.Order@v2 is nested more than 128 levels deep" in (
        one_error_line(err)
    )
    assert read_lock_files(root / "schemas-lock") == before


def test_a_registry_that_closes_the_connection_and_trickles_is_cut_off_at_the_deadline(
    locked: tuple[FakeRegistry, Path], cli: Cli
) -> None:
    _, root = locked
    before = read_lock_files(root / "schemas-lock")
    with trickling_server() as url:  # HTTP/1.0: the answer closes the connection
        set_registry(root, api="static", url=url, request_deadline=1, read_timeout=5)
        code, out, err = cli("lock")
        assert code == 3, (out, err)
        assert "no complete answer within registry.request-deadline (1 s)" in one_error_line(err)
        assert read_lock_files(root / "schemas-lock") == before
        code, out, err = cli("gate")  # the live gate degrades to the lock
    assert code == 0, (out, err)
    assert "no complete answer within registry.request-deadline (1 s)" in out
    assert "[registry: registry-unreachable]" in out
