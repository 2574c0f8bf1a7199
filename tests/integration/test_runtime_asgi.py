"""The ASGI middleware behind a real uvicorn server on loopback, called with a real HTTP client."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn
from fastapi import FastAPI, Request

from registry_contract.runtime import Mode
from registry_contract.runtime.asgi import SchemaValidationMiddleware
from support.bus import FEEDBACK, MakeManager, feedback, payload, write_lock

START_TIMEOUT_S = 20.0


def build_app(validator: Any, seen: list[dict[str, Any]]) -> FastAPI:
    app = FastAPI()

    @app.post("/feedback")
    async def receive_feedback(request: Request) -> dict[str, Any]:
        body = await request.json()
        seen.append(body)
        outcome = request.state.schema_outcome
        return {"ok": True, "track": outcome.track if outcome else None}

    @app.post("/other")
    async def other(request: Request) -> dict[str, Any]:
        return {"bytes": len(await request.body())}

    app.add_middleware(
        SchemaValidationMiddleware,
        manager=validator,
        routes={"POST /feedback": FEEDBACK},
        max_body=4096,
    )
    return app


@pytest.fixture
def serve() -> Iterator[Callable[[FastAPI], str]]:
    """Serve an app with uvicorn on 127.0.0.1 in a thread; returns its base URL."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: FastAPI) -> str:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)


@pytest.fixture
def lock_dir(tmp_path: Path) -> Path:
    return write_lock(tmp_path / "schemas-lock")


@pytest.fixture
def feedback_service(
    serve: Callable[[FastAPI], str], lock_dir: Path, make_manager: MakeManager
) -> Callable[[Mode], tuple[str, list[dict[str, Any]]]]:
    """Serve build_app with a manager in `mode`: its base URL and the bodies it handled."""

    def start(mode: Mode) -> tuple[str, list[dict[str, Any]]]:
        seen: list[dict[str, Any]] = []
        return serve(build_app(make_manager(lock_dir, mode), seen)), seen

    return start


def post(url: str, data: bytes) -> requests.Response:
    return requests.post(url, data=data, headers={"content-type": "application/json"}, timeout=30)


def test_enforce_rejects_invalid_bodies_with_422_and_the_structured_errors(
    feedback_service: Callable[[Mode], tuple[str, list[dict[str, Any]]]],
) -> None:
    base, seen = feedback_service(Mode.ENFORCE)

    ok = post(f"{base}/feedback", payload(1))
    assert (ok.status_code, ok.json()) == (200, {"ok": True, "track": "v2"})
    old = post(f"{base}/feedback", payload(2, lag_ms=None))
    assert (old.status_code, old.json()["track"]) == (200, "v1")

    bad = post(f"{base}/feedback", payload(3, utilisation=1.5))
    assert bad.status_code == 422
    body = bad.json()
    assert (body["schema"], body["track"], body["version"]) == (FEEDBACK, "v2", 3)
    (error,) = body["errors"]
    assert error["schema_path"].startswith("/properties/utilisation/")
    assert (error["path"], error["keyword"], error["message"]) == (
        "/utilisation",
        "maximum",
        "1.5 is greater than the maximum of 1",
    )
    unparseable = post(f"{base}/feedback", b'{"event_id": ')
    assert unparseable.status_code == 422
    assert unparseable.json()["errors"][0]["keyword"] == "unparseable"
    assert seen == [feedback(1), feedback(2, lag_ms=None)]


def test_enforce_answers_413_to_a_body_over_the_limit_and_leaves_other_routes_alone(
    feedback_service: Callable[[Mode], tuple[str, list[dict[str, Any]]]],
) -> None:
    base, seen = feedback_service(Mode.ENFORCE)
    huge = payload(1, labels={"k": "x" * 5000})
    assert post(f"{base}/feedback", huge).status_code == 413

    def chunks() -> Iterator[bytes]:  # chunked: no Content-Length to refuse it by
        yield huge[:2000]
        yield huge[2000:]

    chunked = requests.post(f"{base}/feedback", data=chunks(), timeout=30)
    assert chunked.status_code == 413
    other = post(f"{base}/other", b"not json at all")
    assert (other.status_code, other.json()) == (200, {"bytes": 15})
    assert seen == []


@pytest.mark.parametrize("mode", [Mode.LOG, Mode.SOFT], ids=str)
def test_log_and_soft_modes_pass_invalid_bodies_on_with_their_verdict(
    feedback_service: Callable[[Mode], tuple[str, list[dict[str, Any]]]], mode: Mode
) -> None:
    base, seen = feedback_service(mode)
    bad = post(f"{base}/feedback", payload(3, utilisation=1.5))
    assert (bad.status_code, bad.json()) == (200, {"ok": True, "track": "v2"})
    assert seen == [feedback(3, utilisation=1.5)]


def test_off_mode_does_not_validate(
    serve: Callable[[FastAPI], str], lock_dir: Path, make_manager: MakeManager
) -> None:
    from prometheus_client import CollectorRegistry

    seen: list[dict[str, Any]] = []
    metrics = CollectorRegistry()
    validator = make_manager(lock_dir, Mode.OFF, metrics_registry=metrics)
    base = serve(build_app(validator, seen))
    assert post(f"{base}/feedback", payload(3, utilisation=1.5)).status_code == 200
    assert len(seen) == 1
    validator.set_mode(Mode.SOFT)  # and the same manager counts once it validates
    assert post(f"{base}/feedback", payload(3, utilisation=1.5)).status_code == 200
    counted = [
        (s.labels["mode"], s.value)
        for family in metrics.collect()
        if family.name == "schema_validations"
        for s in family.samples
        if s.name == "schema_validations_total" and s.value
    ]
    assert counted == [("soft", 1.0)]


def test_a_schema_no_source_can_give_never_rejects_a_request(
    serve: Callable[[FastAPI], str],
    lock_dir: Path,
    make_manager: MakeManager,
) -> None:
    seen: list[dict[str, Any]] = []
    validator = make_manager(lock_dir, Mode.ENFORCE)
    app = FastAPI()

    @app.post("/rate")
    async def rate(request: Request) -> dict[str, Any]:
        seen.append(await request.json())
        return {"outcome": request.state.schema_outcome}

    app.add_middleware(
        SchemaValidationMiddleware, manager=validator, routes={"post /rate": "telemetry.Unknown"}
    )
    base = serve(app)
    answer = post(f"{base}/rate", b'{"any": 1}')
    assert (answer.status_code, answer.json()) == (200, {"outcome": None})
    assert seen == [{"any": 1}]
