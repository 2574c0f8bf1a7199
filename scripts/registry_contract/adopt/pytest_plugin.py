"""pytest plugin: --track, the contract marker and fixtures that check payloads against the lock.

Loaded in every pytest run through the `pytest11` entry point, so it imports nothing heavy and
does nothing until a test uses one of its fixtures or markers, or one of its options is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .pytest_support import ContractCase, ContractSession, Resolution

ALL = "all"
MARKER = "contract"
FIXTURES = ("contract_track", "contract_fixture", "registry_schema", "validate_payload")
_SESSION = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("registry-contract", "registry-contract schema contracts")
    group.addoption(
        "--track",
        dest="registry_contract_track",
        metavar="TRACK",
        help="schema track to test (e.g. v1, v2), or 'all' to run each contract test once per "
        "locked track; default: each schema's preference order from the config",
    )
    group.addoption(
        "--registry-contract-config",
        dest="registry_contract_config",
        metavar="PATH",
        help="registry-contract config file (default: ./registry-contract.yml)",
    )
    group.addoption(
        "--registry-live",
        dest="registry_contract_live",
        action="store_true",
        help="check against the schemas the live registry serves now instead of the lock",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(schema=None, tracks=None): a registry-contract test; `schema` names the schema "
        "whose fixture files `contract_fixture` runs over, `tracks` limits the tracks it runs for",
    )


def _explicit(config: pytest.Config) -> bool:
    return bool(
        config.getoption("registry_contract_track")
        or config.getoption("registry_contract_config")
        or config.getoption("registry_contract_live")
    )


def _session(config: pytest.Config) -> ContractSession:
    """The run's session, opened once; raises the ContractError that stopped it."""
    from ..errors import ContractError

    if _SESSION not in config.stash:
        from ..config import CONFIG_NAME
        from .pytest_support import open_session

        here = config.invocation_params.dir
        rootdir = here if (here / CONFIG_NAME).is_file() else config.rootpath
        try:
            config.stash[_SESSION] = open_session(
                config_path=config.getoption("registry_contract_config"),
                rootdir=rootdir,
                track=config.getoption("registry_contract_track"),
                live=config.getoption("registry_contract_live"),
            )
        except ContractError as e:
            config.stash[_SESSION] = e
    found = config.stash[_SESSION]
    if isinstance(found, ContractError):
        raise found
    session: ContractSession = found
    return session


def _message(problem: object) -> str:
    """One line for pytest's output, with any secret of the environment masked."""
    from ..redact import redact

    return redact(f"registry-contract: {problem}")


def _session_or_usage_error(config: pytest.Config) -> ContractSession:
    """Before collection: a problem stops the run, as a usage error, in one line."""
    from ..errors import ContractError

    try:
        return _session(config)
    except ContractError as e:
        raise pytest.UsageError(_message(e)) from None


def _session_or_fail(config: pytest.Config) -> ContractSession:
    """In a test (or collecting one module): a problem fails it, without a traceback."""
    from ..errors import ContractError

    __tracebackhide__ = True
    try:
        return _session(config)
    except ContractError as e:
        pytest.fail(_message(e), pytrace=False)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    if not _explicit(config):
        return None
    return _session_or_usage_error(config).header()


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    """Without our options, the header waits until collection shows that a test uses us."""
    from ..errors import ContractError

    if _explicit(config) or not any(_uses_plugin(item) for item in items):
        return []
    try:
        return _session(config).header()
    except ContractError as e:
        return [_message(f"error: {e}")]


def _uses_plugin(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker(MARKER) is not None or any(n in names for n in FIXTURES)


def _marker_args(node: Any) -> tuple[str | None, list[str] | None]:
    """(schema, tracks) of the closest contract marker, type-checked."""
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return None, None
    if marker.args:
        raise pytest.UsageError(
            f"{node.nodeid}: use keywords: @pytest.mark.{MARKER}(schema=NAME, tracks=[...])"
        )
    schema, tracks = marker.kwargs.get("schema"), marker.kwargs.get("tracks")
    if schema is not None and not isinstance(schema, str):
        raise pytest.UsageError(f"{node.nodeid}: contract marker schema= must be a schema name")
    if tracks is not None and (
        not isinstance(tracks, list | tuple) or not all(isinstance(t, str) for t in tracks)
    ):
        raise pytest.UsageError(
            f"{node.nodeid}: contract marker tracks= must be a list of track names, e.g. ['v2']"
        )
    return schema, list(tracks) if tracks is not None else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """With --track=all, one run per locked track; `contract_fixture`, one run per payload."""
    names = metafunc.fixturenames
    wants_cases = "contract_fixture" in names
    matrix = metafunc.config.getoption("registry_contract_track") == ALL
    if not wants_cases and not (matrix and "contract_track" in names):
        return
    session = _session_or_fail(metafunc.config)
    schema, only = _marker_args(metafunc.definition)
    if wants_cases and schema is None:
        pytest.fail(
            f"{metafunc.definition.nodeid}: contract_fixture needs "
            f"@pytest.mark.{MARKER}(schema=NAME) to know whose fixture files to run",
            pytrace=False,
        )
    legs: list[str | None] = [session.track]
    if matrix:
        legs = [t for t in session.locked_tracks(schema) if only is None or t in only]
    if not wants_cases:
        among = f" among {', '.join(only)}" if only else ""
        params = [pytest.param(t, id=t) for t in legs] or [_skipped(f"no locked track{among}")]
        metafunc.parametrize("contract_track", params)
        return
    assert schema is not None
    cases = [p for leg in legs for p in _case_params(session, schema, leg, matrix)]
    if not legs:
        cases = [_skipped(f"{schema} has no locked track among {only}", matrix)]
    if matrix:
        metafunc.parametrize(("contract_track", "contract_fixture"), cases)
    else:
        metafunc.parametrize("contract_fixture", cases)


def _case_params(session: ContractSession, schema: str, leg: str | None, matrix: bool) -> list[Any]:
    resolution = session.resolve(schema, leg)
    if resolution.track is None:
        return [_skipped(resolution.skip or resolution.problem or "", matrix, leg)]
    cases = session.cases(schema, resolution.track)
    if not cases:
        root = session.config.schemas[schema].fixtures
        where = f" in {root}" if root else ""
        reason = f"{schema}@{resolution.track} has no fixture files{where}"
        return [_skipped(reason, matrix, leg)]
    if matrix:
        return [pytest.param(leg, c, id=f"{leg}-{c.id}") for c in cases]
    return [pytest.param(c, id=c.id) for c in cases]


def _skipped(reason: str, pair: bool = False, leg: str | None = None) -> Any:
    """A placeholder run that shows why nothing ran (better than silently running nothing)."""
    values = (leg, None) if pair else (None,)
    label = f"{leg}-none" if leg else "none"
    return pytest.param(*values, id=label, marks=pytest.mark.skip(reason=reason))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect contract tests whose marker `tracks` leave out the track this run is for."""
    option = config.getoption("registry_contract_track")
    if option == ALL or not any(i.get_closest_marker(MARKER) for i in items):
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        schema, only = _marker_args(item)
        track = option
        if only is not None and track is None and schema is not None:
            track = _session_or_usage_error(config).resolve(schema, None).track
        excluded = only is not None and track is not None and track not in only
        (drop if excluded else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def contract_track(request: pytest.FixtureRequest) -> str | None:
    """The track this test checks: --track, the leg with --track=all, or None for each schema's
    preference order."""
    option: str | None = request.config.getoption("registry_contract_track")
    return None if option == ALL else option


@pytest.fixture
def contract_fixture(contract_track: str | None) -> ContractCase:
    """One fixture payload of the marker's schema; the test runs once per payload file."""
    pytest.fail(  # pytest_generate_tests parametrises it; reaching this is a usage mistake
        f"contract_fixture needs @pytest.mark.{MARKER}(schema=NAME) on the test", pytrace=False
    )


def _resolve(session: ContractSession, name: str, track: str | None) -> Resolution:
    __tracebackhide__ = True
    resolution = session.resolve(name, track)
    if resolution.problem is not None:
        pytest.fail(_message(resolution.problem), pytrace=False)
    if resolution.track is None:
        pytest.skip(resolution.skip or "no locked track")
    return resolution


@pytest.fixture
def registry_schema(
    request: pytest.FixtureRequest, contract_track: str | None
) -> Callable[[str], Any]:
    """`registry_schema(name)`: the schema document this test's track resolves to."""
    session = _session_or_fail(request.config)

    def get(name: str) -> Any:
        __tracebackhide__ = True
        resolution = _resolve(session, name, contract_track)
        assert resolution.track is not None
        return session.schema(name, resolution.track)

    return get


@pytest.fixture
def validate_payload(
    request: pytest.FixtureRequest, contract_track: str | None
) -> Callable[..., None]:
    """`validate_payload(name, payload, expected="valid")`: assert with a readable diff."""
    session = _session_or_fail(request.config)

    def check(name: str, payload: Any, *, expected: str = "valid") -> None:
        __tracebackhide__ = True
        if expected not in ("valid", "invalid"):
            raise ValueError(f"validate_payload(expected={expected!r}): use 'valid' or 'invalid'")
        track = _resolve(session, name, contract_track).track
        assert track is not None
        message = session.failure(name, track, payload, expected)
        if message is not None:
            raise AssertionError(message)

    return check
