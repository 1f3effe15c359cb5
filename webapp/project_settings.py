"""Project settings by their API names, validated by one set of rules for forms and API.

Label Studio's field names are used where Label Studio has one, so its clients work.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from webapp.models import Distribution, Project, Sampling, SkipQueue
from webapp.models.project import MAX_RESERVATION_MINUTES
from webapp.projects import ProjectError, validate_color, validate_label_config, validate_title


def _bool(name: str) -> Callable[[Any], bool]:
    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        raise ProjectError(name, f"'{name}' must be true or false.")
    return parse


def _int_range(name: str, low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ProjectError(name, f"'{name}' must be a whole number from {low} to {high}.")
        return value
    return parse


def _enum(name: str, enum_cls) -> Callable[[Any], Any]:
    def parse(value: Any):
        try:
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum_cls)
            raise ProjectError(name, f"'{name}' must be one of: {allowed}.") from None
    return parse


def _text(name: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise ProjectError(name, f"'{name}' must be a string.")
        return value
    return parse


@dataclass(frozen=True)
class Setting:
    column: str
    parse: Callable[[Any], Any]


SETTINGS: dict[str, Setting] = {
    "title": Setting("title", validate_title),
    "description": Setting("description", _text("description")),
    "color": Setting("color", validate_color),
    "label_config": Setting("label_config", validate_label_config),
    "expert_instruction": Setting("expert_instruction", _text("expert_instruction")),
    "show_instruction": Setting("show_instruction", _bool("show_instruction")),
    "distribution": Setting("distribution", _enum("distribution", Distribution)),
    "reservation_minutes": Setting(
        "reservation_minutes", _int_range("reservation_minutes", 1, MAX_RESERVATION_MINUTES)
    ),
    "skip_queue": Setting("skip_queue", _enum("skip_queue", SkipQueue)),
    "show_skip_button": Setting("show_skip_button", _bool("show_skip_button")),
    "enable_empty_annotation": Setting("enable_empty_annotation", _bool("enable_empty_annotation")),
    "reveal_preannotations_interactively": Setting(
        "reveal_preannotations_interactively", _bool("reveal_preannotations_interactively")
    ),
    "sampling": Setting("sampling", _enum("sampling", Sampling)),
    "maximum_annotations": Setting(
        "annotations_per_task_minimum", _int_range("maximum_annotations", 1, 100)
    ),
    "overlap_cohort_percentage": Setting(
        "overlap_percentage", _int_range("overlap_cohort_percentage", 0, 100)
    ),
    "show_overlap_first": Setting("show_overlap_first", _bool("show_overlap_first")),
    "show_ground_truth_first": Setting("show_ground_truth_first", _bool("show_ground_truth_first")),
}


def apply_settings(project: Project, changes: dict) -> list[str]:
    """Validate every change first, then apply them all; returns the changed API names."""
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise ProjectError(unknown[0], f"Unknown or read-only field(s): {', '.join(unknown)}.")
    parsed = {name: SETTINGS[name].parse(value) for name, value in changes.items()}
    changed = []
    for name, value in parsed.items():
        column = SETTINGS[name].column
        if getattr(project, column) != value:
            setattr(project, column, value)
            changed.append(name)
    return changed


def settings_json(project: Project) -> dict:
    values = {}
    for name, setting in SETTINGS.items():
        value = getattr(project, setting.column)
        values[name] = value.value if hasattr(value, "value") else value
    return values
