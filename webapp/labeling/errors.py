"""Errors the labeling domain answers with; both are ``ValueError`` so callers can map
them to a 400 answer without knowing which check failed."""
from __future__ import annotations


class ConfigError(ValueError):
    """A labeling config that cannot be saved; ``line`` is 1-based in the XML, if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class ResultError(ValueError):
    """An annotation result that does not fit the project's labeling config."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)
