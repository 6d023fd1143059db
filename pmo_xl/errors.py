"""One error tree. Messages say where: file, sheet and cell (``Tasks!F12: ...``)."""

from __future__ import annotations


class PmoError(Exception):
    """A problem the user can fix; the CLI prints its message and exits with ``exit_code``."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class WorkbookError(PmoError):
    """The file cannot be read as a project workbook (missing, corrupt, encrypted, not ours)."""

    exit_code = 2


class ScheduleError(PmoError):
    """The schedule cannot be computed (for instance a cycle in the predecessors)."""

    exit_code = 1


class WriteError(PmoError):
    """A workbook could not be written; the original is untouched."""

    exit_code = 2
