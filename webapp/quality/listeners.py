"""Reactions of the quality domain to annotation and task changes (see webapp/hooks.py)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.hooks import AnnotationChange, AnnotationEvent, on_annotation_change
from webapp.quality.ground_truth import unmark_others
from webapp.quality.refresh import recompute_task


@on_annotation_change
def keep_agreement_current(session: Session, event: AnnotationEvent) -> None:
    """QA-6: every submit, update, delete, skip or review removal recomputes the task's
    agreement (and the QA-5 decision) in the writer's transaction."""
    if event.change is not AnnotationChange.DELETED and event.annotation.ground_truth:
        unmark_others(session, event.annotation)  # one ground truth per task
    recompute_task(session, event.project, event.task)
