"""Annotation rules at submit time: OPT-1, OPT-2, OPT-5, result validation, ANN-4, ANN-7."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.hooks import AnnotationChange, AnnotationEvent, annotation_changed
from webapp.labeling import ResultError, is_empty_result, parse_config, validate_result
from webapp.labels_in_use import update_labels_in_use
from webapp.models import Annotation, Comment, Draft, Project, SkipQueue, Task, User
from webapp.models._types import utcnow
from webapp.quality.ground_truth import GroundTruthError, set_ground_truth
from webapp.queue.completion import refresh_task_state
from webapp.queue.reservations import end_reservation


class AnnotationError(ValueError):
    """A refused submission; the message says what is wrong."""


@dataclass
class Submission:
    result: list = field(default_factory=list)
    was_cancelled: bool = False
    lead_time: float | None = None
    comment: str = ""
    ground_truth: bool | None = None  # None: leave the annotation's flag as it is


def _lock(session: Session, task_id: int) -> tuple[Project, Task]:
    """Lock the project row, then the task row (one order everywhere, so no deadlock):
    the task's counters and the project's labels-in-use cache stay exact."""
    project_of_task = select(Task.project_id).where(Task.id == task_id).scalar_subquery()
    project = session.scalar(select(Project).where(Project.id == project_of_task).with_for_update())
    if project is None:
        raise AnnotationError(f"Task {task_id} not found.")
    task = session.scalar(select(Task).where(Task.id == task_id).with_for_update())
    return project, task


def check_result(project: Project, task: Task, result: list) -> None:
    if not isinstance(result, list):
        raise AnnotationError("'result' must be a list of Label Studio result items.")
    if is_empty_result(result):
        if not project.enable_empty_annotation:
            raise AnnotationError(
                "Empty annotations are not allowed in this project: label something first."
            )
        return
    try:
        validate_result(parse_config(project.label_config), result, task.data)
    except ResultError as exc:
        raise AnnotationError(str(exc)) from exc


def check_skip(project: Project, comment: str) -> None:
    if not project.show_skip_button:
        raise AnnotationError("Skipping is turned off in this project.")
    if project.require_comment_on_skip and not comment.strip():
        raise AnnotationError("Leave a comment to say why you skip this task.")


def submit_annotation(session: Session, task_id: int, user: User, sub: Submission) -> Annotation:
    """Store a submission or a skip (was_cancelled) in one write transaction; commits."""
    user_id = user.id  # read before begin_write's commit expires the user object
    begin_write(session)
    project, task = _lock(session, task_id)
    if sub.was_cancelled:
        check_skip(project, sub.comment)
        result = []
    else:
        check_result(project, task, sub.result)
        result = sub.result
    annotation = _own_annotation(session, task.id, user_id)
    change = AnnotationChange.UPDATED if annotation is not None else AnnotationChange.CREATED
    if sub.was_cancelled:
        change = AnnotationChange.SKIPPED
    if annotation is None:
        annotation = Annotation(task_id=task.id, project_id=project.id, completed_by_id=user_id)
        session.add(annotation)
    previous = annotation.result if annotation.id else None
    annotation.result = result
    annotation.was_cancelled = sub.was_cancelled
    annotation.lead_time = sub.lead_time
    annotation.updated_at = utcnow()
    session.flush()
    wanted = False if sub.was_cancelled else sub.ground_truth  # a skip is no ground truth
    if wanted is not None and bool(annotation.ground_truth) != wanted:
        set_ground_truth(session, annotation, wanted)  # one per task (QA-6)
    if sub.comment.strip():
        session.add(Comment(task_id=task.id, annotation_id=annotation.id, author_id=user_id, text=sub.comment.strip()))
    if _releases_reservation(project, sub.was_cancelled):
        end_reservation(session, task.id, user_id)
    session.execute(delete(Draft).where(Draft.task_id == task.id, Draft.user_id == user_id))
    refresh_task_state(session, project, task)
    # Here, next to the counters, so the project row is written once (at the next flush).
    update_labels_in_use(project, previous, result)
    annotation_changed(session, AnnotationEvent(change, project, task, annotation, user_id))
    session.commit()
    return annotation


def _releases_reservation(project: Project, skipped: bool) -> bool:
    """Submit ends the reservation; a skip only under Requeue to others or Ignore (ANN-4)."""
    return not skipped or project.skip_queue in (
        SkipQueue.REQUEUE_FOR_OTHERS,
        SkipQueue.IGNORE_SKIPPED,
    )


def _own_annotation(session: Session, task_id: int, user_id: int) -> Annotation | None:
    """One annotation per annotator and task: a skipped task that comes back (SKIP-1) or
    a second submit from another tab updates it, so nothing counts twice."""
    return session.scalar(
        select(Annotation)
        .where(Annotation.task_id == task_id, Annotation.completed_by_id == user_id)
        .order_by(Annotation.id)
        .limit(1)
    )


def update_annotation(
    session: Session, annotation: Annotation, changes: dict, actor_id: int | None = None
) -> Annotation:
    """Apply a PATCH: result, was_cancelled, lead_time, ground_truth; commits."""
    begin_write(session)
    project, task = _lock(session, annotation.task_id)
    if "result" in changes:
        check_result(project, task, changes["result"])
        update_labels_in_use(project, annotation.result, changes["result"])
        annotation.result = changes["result"]
    if "was_cancelled" in changes:
        annotation.was_cancelled = bool(changes["was_cancelled"])
    if "ground_truth" in changes:
        try:
            set_ground_truth(session, annotation, bool(changes["ground_truth"]))  # one per task
        except GroundTruthError as exc:
            raise AnnotationError(str(exc)) from exc
    if "lead_time" in changes:
        annotation.lead_time = changes["lead_time"]
    annotation.updated_at = utcnow()
    session.flush()
    refresh_task_state(session, project, task)
    event = AnnotationEvent(AnnotationChange.UPDATED, project, task, annotation, actor_id)
    annotation_changed(session, event)
    session.commit()
    return annotation


def delete_annotation(session: Session, annotation: Annotation, actor_id: int | None = None) -> None:
    begin_write(session)
    project, task = _lock(session, annotation.task_id)
    update_labels_in_use(project, annotation.result, None)
    session.delete(annotation)
    session.flush()
    refresh_task_state(session, project, task)
    annotation_changed(
        session, AnnotationEvent(AnnotationChange.DELETED, project, task, annotation, actor_id)
    )
    session.commit()


def save_draft(session: Session, task: Task, user: User, result: list, lead_time: float | None) -> Draft:
    """Keep work in progress so reopening the task restores it (ANN-7)."""
    if not isinstance(result, list):
        raise AnnotationError("'result' must be a list.")
    draft = session.scalar(select(Draft).where(Draft.task_id == task.id, Draft.user_id == user.id))
    if draft is None:
        draft = Draft(task_id=task.id, user_id=user.id)
        session.add(draft)
    draft.result = result
    draft.lead_time = lead_time
    draft.updated_at = utcnow()
    session.commit()
    return draft
