"""Validate Label Studio result JSON against a parsed config, and summarise results.

Results are stored verbatim, so this is the gate that keeps every stored annotation
readable by the editor, the exports and the agreement metrics (rule LBL-1).
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from ._values import CHECKS, PATH_SEPARATOR, Item, taxonomy_paths
from .errors import ResultError
from .model import ControlTag, ControlType, LabelingConfig

__all__ = ["ResultError", "validate_result", "is_empty_result", "labels_used", "labels_missing"]

_REQUIRED_KEYS = ("from_name", "to_name", "type", "value")
_OPTIONAL_KEYS = {"id", "origin", "score", "hidden", "readonly", "meta"}


def validate_result(config: LabelingConfig, result: list, task_data: dict) -> None:
    """Raise ResultError naming the first bad item (``result[i]``) and what is wrong."""
    if not isinstance(result, list):
        raise ResultError("result must be a list of items")
    for index, raw in enumerate(result):
        item = _item(config, raw, task_data, f"result[{index}]")
        CHECKS[item.control.type](item)


def _item(config: LabelingConfig, raw: Any, task_data: dict, where: str) -> Item:
    """Check the envelope of one item (keys, control, to_name, type) and wrap it."""
    if not isinstance(raw, dict):
        raise ResultError(f"{where}: must be an object")
    missing = [key for key in _REQUIRED_KEYS if key not in raw]
    if missing:
        raise ResultError(f"{where}: missing {', '.join(missing)}")
    unexpected = sorted(set(raw) - set(_REQUIRED_KEYS) - _OPTIONAL_KEYS)
    if unexpected:
        raise ResultError(f"{where}: unexpected key(s) {', '.join(map(str, unexpected))}")
    control = config.controls.get(raw["from_name"]) if isinstance(raw["from_name"], str) else None
    if control is None:
        known = ", ".join(config.controls)
        raise ResultError(f"{where}: from_name {raw['from_name']!r} is not a control (controls: {known})")
    for key, expected in (("to_name", control.to_name), ("type", control.type.result_type)):
        if raw[key] != expected:
            raise ResultError(f"{where}: {key} {raw[key]!r} does not match control "
                              f"'{control.name}' (expected '{expected}')")
    if not isinstance(raw["value"], dict):
        raise ResultError(f"{where}: value must be an object")
    return Item(where, control, raw["value"], config.objects[control.to_name], task_data)


def is_empty_result(result: list) -> bool:
    """True when no item carries anything: no items, or only empty lists/strings/nulls."""
    return not any(_has_content(item.get("value")) for item in result if isinstance(item, dict))


def _has_content(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_content(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_content(v) for v in value)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def labels_used(config: LabelingConfig, result: list) -> dict[tuple[str, str], int]:
    """Count (control name, option) occurrences: choices, labels, and taxonomy paths
    joined as "A / B". The item's own ``type`` decides how to read it (the config may
    have changed since it was saved); ``config`` fills in a missing type."""
    counts: Counter[tuple[str, str]] = Counter()
    for item in result:
        if isinstance(item, dict) and isinstance(item.get("value"), dict):
            name = str(item.get("from_name"))
            for option in _options_in(item, config.controls.get(name)):
                counts[(name, option)] += 1
    return dict(counts)


def _options_in(item: dict, control: ControlTag | None) -> list[str]:
    kind = item.get("type") or (control.type.result_type if control else None)
    value = item["value"]
    if kind == ControlType.TAXONOMY.result_type:
        paths = value.get("taxonomy") or []
        return [PATH_SEPARATOR.join(map(str, p)) for p in paths if isinstance(p, list)]
    if kind in (ControlType.CHOICES.result_type, ControlType.LABELS.result_type):
        return [v for v in value.get(kind) or [] if isinstance(v, str)]
    return []


def labels_missing(config: LabelingConfig, used: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """The entries of ``used`` that ``config`` no longer offers (the LBL-2 save check)."""
    offered = {(c.name, option) for c in config.controls.values() for option in _offered(c)}
    return {key: count for key, count in used.items() if key not in offered}


def _offered(control: ControlTag) -> list[str] | tuple[str, ...]:
    if control.type is ControlType.TAXONOMY:
        return taxonomy_paths(control.options)
    return control.option_values
