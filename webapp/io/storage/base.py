"""What every storage kind offers, and the parameters all kinds share."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from webapp.input_limits import control_characters

KINDS = ("local", "s3", "redis")
ROLES = ("source", "target")
MODES = ("text", "json")  # one task per text object | each object holds task JSON
_MODULES = {"local": "webapp.io.storage.local", "s3": "webapp.io.storage.s3", "redis": "webapp.io.storage.redis_storage"}


class StorageError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    version: str  # etag, mtime and size, or content hash: a change means a new version


class Adapter(Protocol):
    def list(self) -> Iterator[ObjectInfo]: ...
    def read(self, key: str) -> bytes: ...
    def write(self, key: str, data: bytes) -> None: ...
    def delete(self, key: str) -> None: ...


def clean_params(kind: str, params: dict, config: Mapping, secret: str = "") -> dict:
    """The shared parameters checked here, the kind's own by its module; `secret` is not
    kept in the parameters, only looked at (an S3 storage must have one)."""
    if kind not in KINDS:
        raise StorageError("type", f"Unknown storage type {kind!r}; use one of {', '.join(KINDS)}.")
    clean = {
        "prefix": text_param(params, "prefix"),
        "regex_filter": text_param(params, "regex_filter"),
        "mode": params.get("mode") or "text",
        "text_field": text_param(params, "text_field") or "text",
    }
    if clean["mode"] not in MODES:
        raise StorageError("mode", "'mode' must be 'text' (one task per object) or 'json'.")
    try:
        re.compile(clean["regex_filter"])
    except re.error as exc:
        raise StorageError("regex_filter", f"The filter is not a valid regular expression: {exc}.") from exc
    return {**clean, **import_module(_MODULES[kind]).clean_params(params, config, secret)}


def open_adapter(kind: str, params: dict, secret: str, config: Mapping, storage_id: int | None = None) -> Adapter:
    """`storage_id` names a saved storage, whose client a kind may reuse (s3 does)."""
    return import_module(_MODULES[kind]).open_adapter(params, secret, config, storage_id)


def text_param(params: dict, name: str) -> str:
    """A text parameter (absent is empty), stripped; a wrong type or a control character is
    the caller's error."""
    value = params.get(name) or ""
    if not isinstance(value, str):
        raise StorageError(name, f"'{name}' must be text.")
    if problem := control_characters(value):
        # Checked here, not at use: a NUL in a path makes every os call raise ValueError.
        raise StorageError(name, f"'{name}' {problem}.")
    return value.strip()


def required_text(params: dict, name: str, label: str) -> str:
    value = text_param(params, name)
    if not value:
        raise StorageError(name, f"{label} is required.")
    return value


def integer(params: dict, name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, default)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        raise StorageError(name, f"'{name}' must be a whole number from {low} to {high}.")
    return number
