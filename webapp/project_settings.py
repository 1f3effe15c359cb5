"""Project settings by their API names, validated by one set of rules for forms and API.

Label Studio's field names are used where Label Studio has one, so its clients work.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import object_session

from webapp import project_settings_fields as fields
from webapp.labeling import parse_config
from webapp.labels_in_use import check_labels_kept
from webapp.models import (
    Distribution,
    LowAgreementStrategy,
    Project,
    RejectOption,
    ReviewedWhen,
    Sampling,
    SkipQueue,
)
from webapp.models.project import MAX_RESERVATION_MINUTES
from webapp.queue.overlap import recompute_overlap
from webapp.review.rules import recount_reviewed
from webapp.projects import ProjectError, plain_text, validate_color, validate_label_config, validate_title


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


def _text(name: str, max_length: int | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value is None:
            raise ProjectError(name, f"'{name}' must be a string.")
        value = plain_text(name, value)
        if max_length is not None and len(value) > max_length:
            raise ProjectError(name, f"'{name}' must have at most {max_length} characters.")
        return value
    return parse


@dataclass(frozen=True)
class Setting:
    column: str
    parse: Callable[[Any], Any]
    auto_only: bool = False  # hidden in Manual distribution, and ignored (ANN-3, QA-5)


SETTINGS: dict[str, Setting] = {
    "title": Setting("title", validate_title),
    "description": Setting("description", _text("description")),
    "color": Setting("color", validate_color),
    "proxy_username": Setting("proxy_username", _text("proxy_username", 200)),
    "label_config": Setting("label_config", validate_label_config),
    "expert_instruction": Setting("expert_instruction", fields.sanitized_html("expert_instruction")),
    "show_instruction": Setting("show_instruction", _bool("show_instruction")),
    "distribution": Setting("distribution", _enum("distribution", Distribution)),
    "reservation_minutes": Setting(
        "reservation_minutes", _int_range("reservation_minutes", 1, MAX_RESERVATION_MINUTES), auto_only=True
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
    # Annotation (OPT-3, OPT-5, LIVE-1)
    "show_data_manager_to_annotators": Setting(
        "show_data_manager_to_annotators", _bool("show_data_manager_to_annotators")
    ),
    "require_comment_on_skip": Setting("require_comment_on_skip", _bool("require_comment_on_skip")),
    "live_predictions_source": Setting("live_predictions_source", fields.live_source),
    # Review (REV-1..8)
    "review_instruction": Setting("review_instruction", fields.sanitized_html("review_instruction")),
    "show_review_instruction": Setting("show_review_instruction", _bool("show_review_instruction")),
    "reviewed_when": Setting("reviewed_when", _enum("reviewed_when", ReviewedWhen)),
    "reject_option": Setting("reject_option", _enum("reject_option", RejectOption)),
    "review_only_assigned": Setting("review_only_assigned", _bool("review_only_assigned")),
    "review_only_finished": Setting("review_only_finished", _bool("review_only_finished")),
    "show_data_manager_to_reviewers": Setting(
        "show_data_manager_to_reviewers", _bool("show_data_manager_to_reviewers")
    ),
    "require_comment_on_reject": Setting("require_comment_on_reject", _bool("require_comment_on_reject")),
    "show_agreement_to_reviewers": Setting("show_agreement_to_reviewers", _bool("show_agreement_to_reviewers")),
    # Quality (QA-4, QA-5)
    "agreement_metrics": Setting("agreement_metrics", fields.agreement_metrics),
    "label_weights": Setting("label_weights", fields.label_weights),
    "low_agreement_strategy": Setting(
        "low_agreement_strategy", _enum("low_agreement_strategy", LowAgreementStrategy), auto_only=True
    ),
    "agreement_threshold": Setting("agreement_threshold", _int_range("agreement_threshold", 1, 100), auto_only=True),
    "max_additional_annotators": Setting(
        "max_additional_annotators", fields.optional_int("max_additional_annotators", 0, 100), auto_only=True
    ),
    # Model (ML-2); Label Studio's name for the same project field
    "start_training_on_annotation_update": Setting(
        "start_training_on_annotation_update", _bool("start_training_on_annotation_update")
    ),
}
# Changing any of these changes each task's overlap or completion (QA-1, SKIP-3).
OVERLAP_SETTINGS = {"maximum_annotations", "overlap_cohort_percentage", "distribution", "skip_queue"}


def apply_settings(project: Project, changes: dict) -> list[str]:
    """Validate every change first, then apply them all; returns the changed API names."""
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise ProjectError(unknown[0], f"Unknown or read-only field(s): {', '.join(unknown)}.")
    changes = _without_ignored(project, changes)
    parsed = {name: SETTINGS[name].parse(value) for name, value in changes.items()}
    if "label_config" in parsed:
        check_labels_kept(project, parse_config(parsed["label_config"]))
    changed = []
    for name, value in parsed.items():
        column = SETTINGS[name].column
        if getattr(project, column) != value:
            setattr(project, column, value)
            changed.append(name)
    if OVERLAP_SETTINGS.intersection(changed):
        recompute_overlap(object_session(project), project)
    if "reviewed_when" in changed:
        recount_reviewed(object_session(project), project)  # REV-2, set-based
    return changed


def _without_ignored(project: Project, changes: dict) -> dict:
    """In Manual mode the Auto-only settings keep their stored value, whatever is sent."""
    distribution = changes.get("distribution", project.distribution)
    if distribution != Distribution.MANUAL.value:
        return changes
    return {name: value for name, value in changes.items() if not SETTINGS[name].auto_only}


def settings_json(project: Project) -> dict:
    values = {}
    for name, setting in SETTINGS.items():
        value = getattr(project, setting.column)
        values[name] = value.value if hasattr(value, "value") else value
    return values

