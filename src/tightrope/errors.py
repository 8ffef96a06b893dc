"""One error tree. The CLI turns these into one-line messages and exit codes."""

from __future__ import annotations


class TightropeError(Exception):
    """Base of every error we raise on purpose."""

    exit_code = 1


class ConfigError(TightropeError):
    """Bad settings or command-line options."""

    exit_code = 2


class InputError(TightropeError):
    """An input file or item that cannot be read as an article."""

    exit_code = 3

    def __init__(self, path: str, reason: str, item: str | None = None):
        self.path = path
        self.reason = reason
        self.item = item
        where = f"{path} ({item})" if item else path
        super().__init__(f"{where}: {reason}")


class KnowledgeBaseError(TightropeError):
    """A knowledge-base data file is invalid (file and line in the message)."""

    exit_code = 4

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


class StoreError(TightropeError):
    """The database cannot be opened, migrated or written."""

    exit_code = 5


class ExportError(TightropeError):
    exit_code = 6


class EvalError(TightropeError):
    """A benchmark folder is missing or malformed."""

    exit_code = 7
