"""Review actions on one annotation: accept, fix and accept, reject-requeue, reject-remove
(REV-2, REV-3, REV-7), each in one write transaction with the task's counters."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.annotations import AnnotationError
from webapp.annotations.service import check_result
from webapp.dbutil import begin_write
from webapp.hooks import AnnotationChange, AnnotationEvent, ReviewEvent, annotation_changed, review_changed
from webapp.labels_in_use import update_labels_in_use
from webapp.models import Annotation, Project, Review, ReviewAction, ReviewState, Task, User
from webapp.models._types import utcnow
from webapp.quality.ground_truth import set_ground_truth
from webapp.queue.completion import refresh_task_state
from webapp.review.rules import STATE_AFTER, ReviewError, check_action, refresh_review_state, reject_actions
from webapp.review.stream import may_review_task


@dataclass
class Decision:
    action: ReviewAction
    comment: str = ""
    result: list | None = None  # the fixed result, for FIX_AND_ACCEPT only


def decision_from(
    project: Project, accepted: bool, comment: str = "", result: list | None = None, remove: bool | None = None
) -> Decision:
    """The API's {"accepted", "result", "remove"} as an action; an unspecified reject
    takes the project's option when it offers only one (REV-3)."""
    if accepted:
        action = ReviewAction.ACCEPT if result is None else ReviewAction.FIX_AND_ACCEPT
        return Decision(action, comment, result)
    if result is not None:
        raise ReviewError("A rejection carries no fixed 'result'; accept with it instead.")
    if remove is None:
        offered = reject_actions(project)
        if len(offered) > 1:
            raise ReviewError("Say whether to requeue or remove: send 'remove': true or false.")
        return Decision(offered[0], comment)
    return Decision(ReviewAction.REJECT_REMOVE if remove else ReviewAction.REJECT_REQUEUE, comment)


def lock_for_review(session: Session, annotation_id: int) -> tuple[Project, Task, Annotation]:
    """Project row, then task row, the annotation service's lock order (no deadlock)."""
    annotation = session.get(Annotation, annotation_id)
    if annotation is None:
        raise ReviewError(f"Annotation {annotation_id} not found.")
    project = session.scalar(select(Project).where(Project.id == annotation.project_id).with_for_update())
    task = session.scalar(select(Task).where(Task.id == annotation.task_id).with_for_update())
    session.refresh(annotation)
    return project, task, annotation


def review_annotation(session: Session, annotation_id: int, reviewer: User, decision: Decision) -> Review:
    """Record the decision, apply it to the annotation and recount the task; commits."""
    begin_write(session)
    project, task, annotation = lock_for_review(session, annotation_id)
    if annotation.was_cancelled:
        raise ReviewError("This annotation was skipped or removed: there is nothing to review.")
    if not may_review_task(session, project, reviewer, task.id):
        raise ReviewError("This task is not assigned to you for review.")
    check_action(project, decision.action, decision.comment)
    review = Review(
        annotation_id=annotation.id, reviewer_id=reviewer.id, action=decision.action,
        comment=decision.comment.strip(),
    )
    changed = _apply(project, task, annotation, decision, review)
    annotation.review_state = STATE_AFTER[decision.action]
    session.add(review)
    session.flush()
    if annotation.was_cancelled and annotation.ground_truth:
        set_ground_truth(session, annotation, False)  # a removed annotation is no ground truth
    refresh_task_state(session, project, task)  # a removal counts as cancelled from now on
    refresh_review_state(session, project, task)
    review_changed(session, ReviewEvent.of(session, project, task, annotation, review))  # WH-1
    if changed:  # agreement, training and webhooks follow the changed annotation
        annotation_changed(
            session, AnnotationEvent(AnnotationChange.UPDATED, project, task, annotation, reviewer.id)
        )
    session.commit()
    return review


def _apply(project: Project, task: Task, annotation: Annotation, decision: Decision, review: Review) -> bool:
    """Change the annotation itself where the action asks it; True when it changed."""
    if decision.action is ReviewAction.FIX_AND_ACCEPT:
        try:
            check_result(project, task, decision.result)
        except AnnotationError as exc:
            raise ReviewError(str(exc)) from exc
        review.previous_result = annotation.result  # the annotator's original is kept
        update_labels_in_use(project, annotation.result, decision.result)
        annotation.result = decision.result
    elif decision.action is ReviewAction.REJECT_REMOVE:
        annotation.was_cancelled = True  # Label Studio's mark of a removed annotation
    else:
        return False
    annotation.updated_at = utcnow()
    return True


def resubmitted(annotation: Annotation, actor_id: int | None) -> bool:
    """A requeued annotation its annotator submitted again goes back to review (REV-3)."""
    return (
        annotation.review_state is ReviewState.REJECTED_REQUEUED
        and not annotation.was_cancelled
        and actor_id is not None
        and actor_id == annotation.completed_by_id
    )
