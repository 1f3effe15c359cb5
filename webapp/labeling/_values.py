"""Checks of one result item's ``value`` against its control, one function per control type."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, NoReturn

from .errors import ResultError
from .model import ControlTag, ControlType, ObjectTag, ObjectType, Option

PATH_SEPARATOR = " / "


@dataclass(frozen=True)
class Item:
    """One result item with what its checks need; ``where`` prefixes every message."""

    where: str
    control: ControlTag
    value: dict[str, Any]
    obj: ObjectTag
    task_data: dict[str, Any]

    def fail(self, message: str) -> NoReturn:
        raise ResultError(f"{self.where}: {message}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _string_list(item: Item, key: str, non_empty: bool) -> list[str]:
    values = item.value.get(key)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        item.fail(f"value.{key} must be a list of strings")
    if non_empty and not values:
        item.fail(f"value.{key} is empty")
    return values


def _check_known(item: Item, values: list[str], noun: str) -> None:
    allowed = item.control.option_values
    for value in values:
        if value not in allowed:
            item.fail(f"{noun} '{value}' is not in control '{item.control.name}' (allowed: {', '.join(allowed)})")
    if len(set(values)) < len(values):
        item.fail(f"a {noun} is given twice in value.{noun}s")


def check_choices(item: Item) -> None:
    chosen = _string_list(item, "choices", non_empty=True)
    _check_known(item, chosen, "choice")
    if not item.control.multiple and len(chosen) > 1:
        item.fail(f"control '{item.control.name}' is single-choice but got {len(chosen)} choices")


def check_labels(item: Item) -> None:
    """Spans on Text are code-point offsets (end exclusive); HyperText spans are xpaths."""
    _check_known(item, _string_list(item, "labels", non_empty=True), "label")
    if item.obj.type is ObjectType.TEXT:
        _check_text_span(item)


def _check_text_span(item: Item) -> None:
    field = item.obj.value_field
    text = item.task_data.get(field)
    if not isinstance(text, str):
        item.fail(f"the task has no text in field '{field}' to label")
    start, end = item.value.get("start"), item.value.get("end")
    if not (_is_int(start) and _is_int(end)):
        item.fail("value.start and value.end must be integers")
    if not 0 <= start < end <= len(text):
        item.fail(f"span {start}..{end} must satisfy 0 <= start < end <= {len(text)} (the text length)")
    if "text" in item.value and item.value["text"] != text[start:end]:
        item.fail(f"value.text {item.value['text']!r} does not match the task text at "
                  f"{start}..{end} ({text[start:end]!r})")


def check_textarea(item: Item) -> None:
    _string_list(item, "text", non_empty=False)


def check_rating(item: Item) -> None:
    rating, top = item.value.get("rating"), item.control.max_rating
    if not _is_int(rating) or not 1 <= rating <= top:
        item.fail(f"value.rating must be an integer from 1 to {top}, got {rating!r}")


def check_number(item: Item) -> None:
    number, low, high = item.value.get("number"), item.control.min_value, item.control.max_value
    if not isinstance(number, (int, float)) or isinstance(number, bool) or not math.isfinite(number):
        item.fail(f"value.number must be a number, got {number!r}")
    if low is not None and number < low:
        item.fail(f"value.number {number} is below the minimum {low:g}")
    if high is not None and number > high:
        item.fail(f"value.number {number} is above the maximum {high:g}")


def check_taxonomy(item: Item) -> None:
    paths = item.value.get("taxonomy")
    if not isinstance(paths, list) or not paths:
        item.fail("value.taxonomy must be a non-empty list of paths")
    for path in paths:
        if not isinstance(path, list) or not path or not all(isinstance(s, str) for s in path):
            item.fail(f"taxonomy path {path!r} must be a non-empty list of strings")
        if not _in_tree(item.control.options, path):
            item.fail(f"taxonomy path '{PATH_SEPARATOR.join(path)}' is not in control '{item.control.name}'")


def _in_tree(options: tuple[Option, ...], path: list[str]) -> bool:
    for step in path:
        node = next((o for o in options if o.value == step), None)
        if node is None:
            return False
        options = node.children
    return True


def taxonomy_paths(options: tuple[Option, ...], prefix: str = "") -> list[str]:
    """Every node of a taxonomy tree as a joined path ("A / B"), parents included."""
    paths = []
    for option in options:
        path = prefix + option.value
        paths += [path, *taxonomy_paths(option.children, path + PATH_SEPARATOR)]
    return paths


CHECKS: dict[ControlType, Callable[[Item], None]] = {
    ControlType.CHOICES: check_choices,
    ControlType.LABELS: check_labels,
    ControlType.TEXTAREA: check_textarea,
    ControlType.RATING: check_rating,
    ControlType.NUMBER: check_number,
    ControlType.TAXONOMY: check_taxonomy,
}
