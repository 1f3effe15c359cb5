"""Parsers for settings that need more than a type check (instructions, quality, live source).

Each raises ProjectError(api_name, message), like those in project_settings, so the
forms and the API answer with the same words.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.labeling import sanitize_html
from webapp.ml.live_source import LiveSource
from webapp.models import AgreementMetric, Prediction
from webapp.projects import ProjectError

M = AgreementMetric
# QA-4: the metrics that make sense for each control type, the default first.
SUITED_METRICS: dict[str, tuple[AgreementMetric, ...]] = {
    "Choices": (M.EXACT_MATCH, M.JACCARD),
    "Labels": (M.SPAN_F1, M.SPAN_IOU),
    "TextArea": (M.EDIT_DISTANCE, M.EXACT_MATCH),
    "Rating": (M.CLOSENESS, M.EXACT_MATCH),
    "Number": (M.CLOSENESS, M.EXACT_MATCH),
    "Taxonomy": (M.PATH_OVERLAP, M.EXACT_MATCH),
}


def sanitized_html(name: str) -> Callable[[Any], str]:
    """Instructions are stored sanitized, so no reader can forget to clean them (ANN-1, REV-1)."""
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise ProjectError(name, f"'{name}' must be a string of HTML.")
        return sanitize_html(value)
    return parse


def optional_int(name: str, low: int, high: int) -> Callable[[Any], int | None]:
    """A whole number in range, or null/blank for "no limit" (QA-5)."""
    def parse(value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ProjectError(name, f"'{name}' must be blank (no limit) or a whole number from {low} to {high}.")
        return value
    return parse


def agreement_metrics(value: Any) -> dict[str, str]:
    name = "agreement_metrics"
    if not isinstance(value, dict):
        raise ProjectError(name, f"'{name}' must be an object of control type to metric.")
    parsed = {}
    for control_type, metric in value.items():
        suited = SUITED_METRICS.get(control_type)
        if suited is None:
            raise ProjectError(name, f"'{control_type}' is not a control type; use one of: {', '.join(SUITED_METRICS)}.")
        if metric not in [m.value for m in suited]:
            allowed = ", ".join(m.value for m in suited)
            raise ProjectError(name, f"The metric for {control_type} must be one of: {allowed}.")
        parsed[control_type] = metric
    return parsed


def label_weights(value: Any) -> dict[str, dict[str, float]]:
    """{control name: {label: weight 0..1}}; weight 0 leaves the label out (QA-4)."""
    name = "label_weights"
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ProjectError(name, f"'{name}' must be an object of control name to {{label: weight}}.")
    parsed = {}
    for control, weights in value.items():
        for label, weight in weights.items():
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
                raise ProjectError(name, f"The weight of '{label}' must be a number from 0 to 1.")
        parsed[control] = {label: float(w) for label, w in weights.items()}
    return parsed


def live_source(value: Any) -> str:
    """"" (none), "model:<id>" or "version:<model_version>" (LIVE-1)."""
    name = "live_predictions_source"
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or LiveSource.parse(value) is None:
        raise ProjectError(name, f"'{name}' must be empty, 'model:<id>' or 'version:<model version>'.")
    return value


def model_versions(session: Session, project_id: int) -> list[str]:
    """The project's prediction sets, for the live predictions source (LIVE-1); one query."""
    return list(session.scalars(
        select(Prediction.model_version)
        .where(Prediction.project_id == project_id, Prediction.model_version != "")
        .group_by(Prediction.model_version).order_by(Prediction.model_version)
    ))
