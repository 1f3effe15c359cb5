"""Validate one Label Studio task record and shape it into insert-ready values (DM-2).

Everything is checked here, before the importer writes anything, so that a bad record
anywhere in a file refuses the whole file with a message naming that record.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from webapp.io.authors import author_ref
from webapp.io.errors import TaskImportError
from webapp.labeling import LabelingConfig, ResultError, validate_result

DEFAULT_MODEL_VERSION = "imported"
MAX_MODEL_VERSION = 200  # Prediction.model_version is String(200)


@dataclass(slots=True)
class PreparedTask:
    """A checked record: task data and meta, annotation, prediction and draft column values."""

    data: dict
    meta: dict
    annotations: list[dict]
    predictions: list[dict]
    drafts: list[dict]


class RecordChecker:
    """Checks records against one labeling config (parsed once per import)."""

    def __init__(self, config: LabelingConfig) -> None:
        self.config = config
        self.fields = sorted(config.data_fields)

    def check(self, where: str, record: Any) -> PreparedTask:
        if not isinstance(record, dict):
            raise TaskImportError(f"{where}: a task must be a JSON object, not {_kind(record)}.")
        if "data" not in record:
            record = {"data": record}  # Label Studio's flat form: the whole object is data
        data = self._data(where, record["data"])
        return PreparedTask(
            data=data,
            meta=_optional_object(where, record.get("meta"), "meta"),
            annotations=[
                self._annotation(item_where, raw, data)
                for item_where, raw in _numbered(where, record, "annotation")
            ],
            predictions=[
                self._prediction(item_where, raw, data)
                for item_where, raw in _numbered(where, record, "prediction")
                if not _is_row_id(raw)
            ],
            drafts=[
                self._draft(item_where, raw, data)
                for item_where, raw in _numbered(where, record, "draft")
                if not _is_row_id(raw)
            ],
        )

    def _data(self, where: str, data: Any) -> dict:
        if not isinstance(data, dict):
            raise TaskImportError(f"{where}: data must be a JSON object, not {_kind(data)}.")
        for name in self.fields:
            if name not in data:
                raise TaskImportError(
                    f"{where}: data has no field '{name}' "
                    f"(the labeling config uses: {', '.join(self.fields)})."
                )
        return data

    def _annotation(self, where: str, raw: Any, data: dict) -> dict:
        result = self._result(where, raw, data)
        cancelled = _flag(where, raw, "was_cancelled")
        return {
            "result": result,
            "completed_by": author_ref(where, raw),  # resolved by the importer (authors.py)
            "was_cancelled": cancelled,
            "ground_truth": _flag(where, raw, "ground_truth") and not cancelled,
            "lead_time": _number(where, raw, "lead_time", minimum=0),
            **_moments(where, raw, "created_at", "updated_at"),
        }

    def _prediction(self, where: str, raw: Any, data: dict) -> dict:
        return {
            "result": self._result(where, raw, data),
            "score": _number(where, raw, "score"),
            "model_version": _model_version(where, raw.get("model_version")),
            **_moments(where, raw, "created_at"),
        }

    def _draft(self, where: str, raw: Any, data: dict) -> dict:
        """A draft keeps its author in `user` (resolved by the importer, like completed_by)."""
        return {
            "result": self._result(where, raw, data),
            "user_id": author_ref(where, raw, "user"),
            "lead_time": _number(where, raw, "lead_time", minimum=0),
            **_moments(where, raw, "created_at", "updated_at"),
        }

    def _result(self, where: str, raw: Any, data: dict) -> list:
        if not isinstance(raw, dict) or not isinstance(raw.get("result"), list):
            raise TaskImportError(f"{where}: must be an object with a 'result' list.")
        try:
            validate_result(self.config, raw["result"], data)
        except ResultError as exc:
            raise TaskImportError(f"{where}: {exc.message}") from exc
        return raw["result"]


def _numbered(where: str, record: dict, noun: str) -> list[tuple[str, Any]]:
    """The record's annotations or predictions, each named "<where>, <noun> N"."""
    items = record.get(f"{noun}s")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise TaskImportError(f"{where}: {noun}s must be a list, not {_kind(items)}.")
    return [(f"{where}, {noun} {number}", item) for number, item in enumerate(items, 1)]


def _optional_object(where: str, value: Any, key: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TaskImportError(f"{where}: {key} must be a JSON object, not {_kind(value)}.")
    return value


def _flag(where: str, raw: dict, key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise TaskImportError(f"{where}: {key} must be true or false, not {_kind(value)}.")
    return value


def _number(where: str, raw: dict, key: str, minimum: float | None = None) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if not _is_number(value):
        raise TaskImportError(f"{where}: {key} must be a finite number, not {_kind(value)}.")
    if minimum is not None and value < minimum:
        raise TaskImportError(f"{where}: {key} must be at least {minimum}, got {value}.")
    return value


def _moments(where: str, raw: dict, *keys: str) -> dict[str, datetime]:
    """The record's own timestamps (ISO 8601, as Label Studio writes them) as naive UTC,
    the form Quorum stores; a missing one is left out so the importer stamps the import time."""
    found = {}
    for key in keys:
        value = raw.get(key)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise TaskImportError(f"{where}: {key} must be an ISO 8601 time, not {value!r}.") from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        found[key] = moment
    return found


def _model_version(where: str, value: Any) -> str:
    """Label Studio coerces numbers to strings here, so we do too."""
    if value is None or value == "":
        return DEFAULT_MODEL_VERSION
    if not (isinstance(value, str) or _is_number(value)):
        raise TaskImportError(f"{where}: model_version must be a string, not {_kind(value)}.")
    if len(str(value)) > MAX_MODEL_VERSION:
        raise TaskImportError(
            f"{where}: model_version is longer than {MAX_MODEL_VERSION} characters."
        )
    return str(value)


def _is_row_id(value: Any) -> bool:
    """Label Studio's plain JSON export lists a task's predictions by id: rows of the
    instance it came from, not predictions, so an import skips them (issue 16 point 6)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    names = {str: "a string", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)
