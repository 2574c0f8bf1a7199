"""SchemaManager: resolve schemas by track through the cache and validate live payloads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .model import Mode, ResolvedSchema, ValidationOutcome

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from ..registry.base import RegistryClient


class SchemaManager:
    """The services' schema manager (API types only in this commit; the body follows)."""

    def __init__(
        self,
        *,
        client: RegistryClient | None = None,
        lock_dir: Path | str | None = None,
        ttl: float = 300.0,
        mode: Mode | str = Mode.SOFT,
        modes: Mapping[str, Mode | str] | None = None,
        refresh_timeout: float = 2.0,
        negative_ttl: float = 60.0,
        preload: Iterable[str] = (),
        digest_mismatch: str = "registry",
        jitter: float = 0.1,
        formats: bool = True,
        registry: CollectorRegistry | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        raise NotImplementedError

    @classmethod
    def from_config(
        cls, path: Path | str = "registry-contract.yml", **overrides: Any
    ) -> SchemaManager:
        raise NotImplementedError

    async def start(self) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> SchemaManager:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def start_sync(self) -> None:
        raise NotImplementedError

    def close_sync(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> SchemaManager:
        self.start_sync()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close_sync()

    async def get_schema(
        self, name: str, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ResolvedSchema:
        raise NotImplementedError

    async def validate_payload(
        self, name: str, payload: Any, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        raise NotImplementedError

    def validate(
        self, name: str, payload: Any, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        raise NotImplementedError

    def validate_json(
        self, name: str, data: bytes | str, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        raise NotImplementedError

    async def validate_json_payload(
        self, name: str, data: bytes | str, prefer: str = "v2", fallback: str | None = "v1"
    ) -> ValidationOutcome:
        raise NotImplementedError

    def mode_for(self, name: str) -> Mode:
        raise NotImplementedError

    def set_mode(self, mode: Mode | str, name: str | None = None) -> None:
        raise NotImplementedError
