"""Reactions of the quality domain to annotation changes (registered in webapp/event_registry.py)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.hooks import AnnotationChange, AnnotationEvent
from webapp.quality.ground_truth import unmark_others
from webapp.quality.refresh import recompute_task


def keep_agreement_current(session: Session, event: AnnotationEvent) -> None:
    """QA-6: every submit, update, delete, skip or review removal recomputes the task's
    agreement (and the QA-5 decision) in the writer's transaction."""
    if event.change is not AnnotationChange.DELETED and event.annotation.ground_truth:
        unmark_others(session, event.annotation)  # one ground truth per task
    recompute_task(session, event.project, event.task)
