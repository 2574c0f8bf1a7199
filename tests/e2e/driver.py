"""Run act next to loopback servers, all inside one process tree (and one network namespace).

Usage: python driver.py SPEC.json [--netns]

With --netns the caller has started us under `unshare -n`: we bring up `lo`, and since no other
interface exists, nothing started from here (servers, act, the jobs, pip) can leave the machine.
The spec names the servers to start ("{port}" in their argv is replaced by a free port), the act
command (where "{NAME}" is replaced by server NAME's port), its working directory, environment
and log file. The result (act's exit code, the ports, the interfaces seen) goes to spec["result"].
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

READY_TIMEOUT = 20.0


def main(argv: list[str]) -> int:
    spec: dict[str, Any] = json.loads(Path(argv[0]).read_text("utf-8"))
    netns = "--netns" in argv[1:]
    if netns:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    interfaces = sorted(name for _index, name in socket.if_nameindex())  # this namespace's
    servers: list[subprocess.Popen[bytes]] = []
    ports: dict[str, int] = {}
    act_rc = None
    try:
        for name, server in spec["servers"].items():
            port = free_port()
            argv_ = [part.replace("{port}", str(port)) for part in server["argv"]]
            with Path(server["log"]).open("wb") as log:
                servers.append(
                    subprocess.Popen(argv_, stdout=log, stderr=subprocess.STDOUT, env=server["env"])
                )
            wait_for_port(port, servers[-1], name, server["log"])
            ports[name] = port
            for request in server.get("setup", []):
                post_json(port, request["path"], request["json"])
        act_argv = [substitute(part, ports) for part in spec["act"]["argv"]]
        act_env = {k: substitute(v, ports) for k, v in spec["act"]["env"].items()}
        with (
            Path(spec["act"]["log"]).open("wb") as out,
            Path(spec["act"]["stderr"]).open("wb") as err,
        ):
            act = subprocess.run(
                act_argv,
                cwd=spec["act"]["cwd"],
                env=act_env,
                stdout=out,
                stderr=err,
                timeout=spec["act"]["timeout"],
                check=False,
            )
        act_rc = act.returncode
    finally:
        for process in servers:
            stop(process)
        result = {"act_rc": act_rc, "ports": ports, "netns": netns, "interfaces": interfaces}
        Path(spec["result"]).write_text(json.dumps(result), "utf-8")
    return 0


def substitute(text: str, ports: dict[str, int]) -> str:
    for name, port in ports.items():
        text = text.replace("{" + name + "}", str(port))
    return text


def post_json(port: int, path: str, data: Any) -> None:
    """Configure a fake (e.g. inject a fault) through its control endpoint."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], name: str, log: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = Path(log).read_text("utf-8", "replace")
            raise SystemExit(f"server {name} exited with {process.returncode}:\n{text}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server {name} did not listen on 127.0.0.1:{port} in {READY_TIMEOUT}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
