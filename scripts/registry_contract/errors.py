"""The error hierarchy and the public exit codes; findings are data, these mean 'could not run'."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Public contract: never renumber."""

    PASSED = 0
    VIOLATIONS = 1
    USAGE = 2
    REGISTRY = 3
    LOCKFILE = 4
    INTERNAL = 5


class ContractError(Exception):
    """Base error: `message` says what is wrong, `hint` says what to do next."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class UsageError(ContractError):
    """A bad command line."""

    exit_code = ExitCode.USAGE


class ConfigError(ContractError):
    """A missing or invalid config file."""

    exit_code = ExitCode.USAGE


class RegistryError(ContractError):
    """The registry could not be reached or answered something unusable."""

    exit_code = ExitCode.REGISTRY


class LockError(ContractError):
    """The lockfile directory is missing, corrupt or tampered with."""

    exit_code = ExitCode.LOCKFILE

    def __init__(self, message: str, *, hint: str = "", problems: tuple[str, ...] = ()) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems


class InternalError(ContractError):
    """A bug in registry-contract itself."""

    exit_code = ExitCode.INTERNAL
