"""HTTP transport: per-thread sessions, retries, timeouts, redirects and body limits."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from ..errors import ConfigError, RegistryError
from ..lock.reader import public_url, public_urls
from .auth import Credentials
from .base import FetchStats, refuse_deep_json
from .deadline import CURRENT, DeadlinePassedError, Watch, Watchdog, WatchedAdapter

if TYPE_CHECKING:
    from requests.sessions import _Settings

MAX_BODY = 5 * 1024 * 1024
MAX_RETRIES = 3
RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_AFTER_MAX = 30.0  # seconds; bounds the total time a rate-limited run can wait
BACKOFF_MAX = 10.0
DEFAULT_BACKOFF = 0.5
BACKOFF_VARIABLE = "REGISTRY_CONTRACT_BACKOFF"
DEFAULT_PORTS = {"http": 80, "https": 443}
REQUEST_DEADLINE = 120.0  # seconds for a whole answer, retries included (read-timeout is per read)
COMMAND_DEADLINE = 600.0  # seconds for all of a command's requests
_NOISE = re.compile(r"\w+\(host=[^)]*\): |<[^>]*>: ")  # pool and connection reprs


def backoff_factor(environ: Mapping[str, str]) -> float:
    raw = environ.get(BACKOFF_VARIABLE)
    if not raw:
        return DEFAULT_BACKOFF
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= BACKOFF_MAX:
        raise ConfigError(
            f"{BACKOFF_VARIABLE}={raw!r} is not a number of seconds from 0 to {BACKOFF_MAX:g}",
            hint=f"unset {BACKOFF_VARIABLE} or fix its value",
        )
    return value


class BoundedRetry(Retry):
    """urllib3's Retry, with Retry-After capped so that a rate limit cannot stall a run."""

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, RETRY_AFTER_MAX)


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


class StrictSession(requests.Session):
    """A session that drops credentials on any change of scheme, host or port.

    It also reads the environment's proxy and CA-bundle settings once per origin instead of on
    every request: requests scans all of os.environ twice a request for them, which was a
    fifth of the client's CPU time when fetching many schemas.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[Hashable, _Settings] = {}

    def should_strip_auth(self, old_url: str, new_url: str) -> bool:
        return origin(old_url) != origin(new_url)

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> _Settings:
        key = (origin(url), stream, verify, cert, tuple(sorted((proxies or {}).items())))
        settings = self._environment.get(key)
        if settings is None:
            settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._environment[key] = settings
        copy = settings.copy()
        copy["proxies"] = dict(settings["proxies"])
        return copy


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: CaseInsensitiveDict[str]
    body: bytes

    def json(self, what: str = "the response") -> Any:
        """The parsed body; HTML, non-JSON and too deeply nested bodies are errors naming the
        URL and `what` it holds."""
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml") or self.body.lstrip()[:1] == b"<":
            raise RegistryError(
                f"{self.url}: answered HTML instead of JSON (HTTP {self.status}), "
                "likely a proxy, captive portal or login page",
                hint="check registry.url and the network path to the registry",
            )
        refuse_deep_json(self.body, f"{self.url}: {what}")
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError) as e:  # RecursionError: nested too deeply
            raise RegistryError(
                f"{self.url}: response is not valid JSON ({e})",
                hint="check registry.url and registry.api; retry if the registry was restarting",
            ) from e


class Transport:
    """GET with retries and limits; one requests.Session per worker thread."""

    def __init__(
        self,
        *,
        connect_timeout: float,
        read_timeout: float,
        workers: int,
        credentials: Credentials,
        accept: str,
        environ: Mapping[str, str] | None = None,
        request_deadline: float = REQUEST_DEADLINE,
        deadline: float = COMMAND_DEADLINE,
    ) -> None:
        env = os.environ if environ is None else environ
        self.credentials = credentials
        self.stats = FetchStats()
        self._timeout = (connect_timeout, read_timeout)
        self._request_deadline = request_deadline
        self._deadline = deadline
        self._ends = time.monotonic() + deadline
        self._watchdog = Watchdog()
        self._workers = workers
        self._accept = accept
        self._backoff = backoff_factor(env)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = StrictSession()
            retry = BoundedRetry(
                total=MAX_RETRIES,
                status_forcelist=RETRY_STATUSES,
                allowed_methods=frozenset({"GET"}),
                backoff_factor=self._backoff,
                backoff_jitter=self._backoff,
                backoff_max=BACKOFF_MAX,
                respect_retry_after_header=True,
                raise_on_status=False,
            )
            adapter = WatchedAdapter(
                max_retries=retry, pool_connections=4, pool_maxsize=max(self._workers, 1)
            )
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.auth = self.credentials.auth()
            session.headers["Accept"] = self._accept
            session.headers["User-Agent"] = "registry-contract"
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def get(self, url: str, *, etag: str | None = None) -> Response:
        """GET `url`; returns 200, 304 and 404 responses, raises RegistryError for the rest.

        The whole answer, retries included, must arrive within registry.request-deadline, and
        every request of the command within registry.deadline: a registry that trickles its
        answer cannot keep a run going.
        """
        shown = public_url(url) or url
        headers = {"If-None-Match": etag} if etag else {}
        started = time.perf_counter()
        now = time.monotonic()
        if now >= self._ends:
            raise self._deadline_error(shown, whole=True)
        watch = Watch(min(now + self._request_deadline, self._ends))
        self._watchdog.add(watch)
        CURRENT.watch = watch
        try:
            with self._session().get(
                url, headers=headers, timeout=self._timeout, stream=True
            ) as raw:
                answered = public_url(raw.url) or shown  # after redirects, the URL that answered
                body = _read_limited(raw, answered)
                response = Response(answered, raw.status_code, raw.headers, body)
        except (requests.RequestException, RegistryError, DeadlinePassedError) as e:
            if watch.expired:  # whatever cutting the connection off made of the request
                raise self._deadline_error(shown, whole=watch.deadline == self._ends) from e
            if isinstance(e, requests.RequestException):
                raise _request_error(e, shown) from e
            raise
        finally:
            CURRENT.watch = None
            self._watchdog.remove(watch)
        self.stats.record(time.perf_counter() - started, not_modified=response.status == 304)
        self._check_status(response)
        return response

    def _deadline_error(self, shown: str, *, whole: bool) -> RegistryError:
        if whole:
            return RegistryError(
                f"{shown}: the registry did not answer every request of this command within "
                f"registry.deadline ({self._deadline:g} s)",
                hint="the registry is too slow; retry later, or raise registry.deadline",
            )
        return RegistryError(
            f"{shown}: no complete answer within registry.request-deadline "
            f"({self._request_deadline:g} s)",
            hint="the registry is too slow; retry later, or raise registry.request-deadline",
        )

    def _check_status(self, response: Response) -> None:
        status = response.status
        if status in (200, 304, 404):
            return
        if status in (401, 403):
            what = "rejected" if self.credentials.present else "required but none were set"
            raise RegistryError(
                f"{response.url}: HTTP {status}, the registry credentials were {what}",
                hint=f"set {self.credentials.variables} to credentials that may read the schemas",
            )
        if status in RETRY_STATUSES:
            raise RegistryError(
                f"{response.url}: HTTP {status} after {MAX_RETRIES} retries",
                hint="the registry is unavailable or rate-limiting; retry later",
            )
        if status >= 500:
            raise RegistryError(
                f"{response.url}: HTTP {status}, a server error in the registry",
                hint="retry later, or report it to the registry's operators",
            )
        raise RegistryError(
            f"{response.url}: unexpected HTTP {status}",
            hint="check registry.url and registry.api",
        )

    def close(self) -> None:
        self._watchdog.close()
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()


def _request_error(error: requests.RequestException, shown: str) -> RegistryError:
    """The error of a request that got no usable answer, naming the URL that failed."""
    failed = getattr(error.request, "url", None) if error.request is not None else None
    where = public_url(failed) if isinstance(failed, str) else shown
    if isinstance(error, requests.exceptions.SSLError):
        return RegistryError(
            f"{where}: TLS verification failed ({_reason(error)})",
            hint="set REQUESTS_CA_BUNDLE to your CA bundle; verification stays on",
        )
    if _is_timeout(error):
        return RegistryError(
            f"{where}: timed out after {MAX_RETRIES} retries ({_reason(error)})",
            hint="check the registry, or raise registry.connect-timeout/read-timeout",
        )
    return RegistryError(
        f"{where}: request failed after {MAX_RETRIES} retries ({_reason(error)})",
        hint="check that the registry is up and registry.url is right, then retry",
    )


def _read_limited(raw: requests.Response, shown: str) -> bytes:
    """Read at most MAX_BODY bytes; a larger body is refused without reading the rest."""
    declared = raw.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large(shown)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in raw.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_BODY:
                raise _too_large(shown)
            chunks.append(chunk)
    except requests.RequestException as e:
        raise RegistryError(
            f"{shown}: the response body was cut off ({_reason(e)})",
            hint="the registry or a proxy dropped the connection; retry later",
        ) from e
    return b"".join(chunks)


def _too_large(shown: str) -> RegistryError:
    return RegistryError(
        f"{shown}: response body is larger than {MAX_BODY // (1024 * 1024)} MiB",
        hint="check registry.url; schemas this large are not supported",
    )


def _cause(error: BaseException) -> BaseException:
    """The urllib3 error behind a requests error, unwrapped from MaxRetryError."""
    cause = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    return cause.reason if isinstance(cause, MaxRetryError) and cause.reason else cause


def _is_timeout(error: requests.RequestException) -> bool:
    cause = _cause(error)
    if isinstance(cause, NewConnectionError):  # a subclass of ConnectTimeoutError, but refused
        return False
    return isinstance(error, requests.Timeout) or isinstance(cause, Urllib3TimeoutError)


def _reason(error: BaseException) -> str:
    """The innermost cause in a few words, without object reprs or repeated URLs."""
    cause = _cause(error)
    if isinstance(cause, ProtocolError) and len(cause.args) == 2:
        first, second = map(str, cause.args)
        text = first if second in first else f"{first} {second}"
    else:
        text = str(cause)
    return public_urls(_NOISE.sub("", text))[:200]
