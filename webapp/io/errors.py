"""Errors of the import/export domain; both are ValueErrors so a view maps them to a 400."""
from __future__ import annotations


class TaskImportError(ValueError):
    """Refused input; ``message`` names the line or record at fault (rule DM-2)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class ExportError(ValueError):
    """An export that cannot be produced (unknown type, config without what it needs)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)
