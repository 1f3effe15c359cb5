"""Ground truth from the review stream (QA-6): the reviewer marks the annotation that is
right, through the quality rule (one per task, has_ground_truth kept)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.hooks import AnnotationChange, AnnotationEvent, annotation_changed
from webapp.models import Annotation, User
from webapp.quality.ground_truth import GroundTruthError, set_ground_truth
from webapp.review.actions import lock_for_review
from webapp.review.rules import ReviewError
from webapp.review.stream import may_review_task


def mark_ground_truth(session: Session, project_id: int, annotation_id: int, reviewer: User, value: bool) -> Annotation:
    """Mark (value) or unmark an annotation of `project_id` as its task's ground truth;
    commits. Refused for another project's annotation, a task not assigned to this
    reviewer (REV-4), or a skipped or removed annotation."""
    begin_write(session)
    project, task, annotation = lock_for_review(session, annotation_id)
    if project.id != project_id:
        raise ReviewError(f"Annotation {annotation_id} not found.")
    if not may_review_task(session, project, reviewer, task.id):
        raise ReviewError("This task is not assigned to you for review.")
    try:
        set_ground_truth(session, annotation, value)
    except GroundTruthError as exc:
        raise ReviewError(str(exc)) from exc
    annotation_changed(session, AnnotationEvent(AnnotationChange.UPDATED, project, task, annotation, reviewer.id))
    session.commit()
    return annotation
