"""The ML pipeline's job kinds and how to queue each: train -> predict -> autolabel.

A stage that finishes queues the next one by its kind here, never by importing the next
stage's module, so the stages do not import one another (issue 14 item 4: the old
training/predict/autolabel import cycle). `pipeline.py` registers every stage's handler.
"""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from webapp.ml.jobs import enqueue
from webapp.models.ml import AutolabelSettings, BackgroundJob


class JobKind(StrEnum):
    """The `kind` column of a background job of the ML pipeline."""

    TRAIN = "train"
    PREDICT = "predict"
    AUTOLABEL = "autolabel"
    BACKEND_WEBHOOK = "ml_backend_webhook"


def enqueue_predictions(session: Session, project_id: int, model_id: int,
                        task_ids: list[int] | None) -> BackgroundJob:
    """Predict `task_ids` (None: every task) with the model; flushed, the caller commits.
    Full passes are debounced: while one waits, more requests (retrains) join it."""
    ids = sorted(set(task_ids)) if task_ids is not None else None
    key = f"predict-all:{model_id}" if ids is None else None
    return enqueue(session, JobKind.PREDICT, project_id, {"model_id": model_id, "task_ids": ids}, dedupe_key=key)


def enqueue_autolabel(session: Session, project_id: int, model_version: str) -> BackgroundJob:
    return enqueue(session, JobKind.AUTOLABEL, project_id, {"model_version": model_version},
                   dedupe_key=f"autolabel:{project_id}")


def autolabel_enabled(session: Session, project_id: int) -> bool:
    settings = session.get(AutolabelSettings, project_id)
    return settings is not None and settings.enabled
