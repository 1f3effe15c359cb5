"""Review rules: when a task counts as reviewed (REV-2), which reject actions a project
offers (REV-3), when a comment is required (REV-7), and the task's review counters."""
from __future__ import annotations

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from webapp.models import (
    Annotation,
    Project,
    RejectOption,
    Review,
    ReviewAction,
    ReviewedWhen,
    ReviewState,
    Task,
)

REJECT_ACTIONS = {
    RejectOption.REQUEUE: (ReviewAction.REJECT_REQUEUE,),
    RejectOption.REMOVE: (ReviewAction.REJECT_REMOVE,),
    RejectOption.REVIEWER_CHOOSES: (ReviewAction.REJECT_REQUEUE, ReviewAction.REJECT_REMOVE),
}
STATE_AFTER = {
    ReviewAction.ACCEPT: ReviewState.ACCEPTED,
    ReviewAction.FIX_AND_ACCEPT: ReviewState.ACCEPTED,
    ReviewAction.REJECT_REQUEUE: ReviewState.REJECTED_REQUEUED,
    ReviewAction.REJECT_REMOVE: ReviewState.REJECTED_REMOVED,
}
REJECTED = (ReviewState.REJECTED_REQUEUED, ReviewState.REJECTED_REMOVED)


class ReviewError(ValueError):
    """A refused review; the message says what is wrong."""


def reject_actions(project: Project) -> tuple[ReviewAction, ...]:
    """The reject buttons a reviewer sees (REV-3)."""
    return REJECT_ACTIONS[project.reject_option]


def check_action(project: Project, action: ReviewAction, comment: str) -> None:
    """Refuse a reject the project does not offer (REV-3) or one without a required comment (REV-7)."""
    if action in (ReviewAction.ACCEPT, ReviewAction.FIX_AND_ACCEPT):
        return
    if action not in reject_actions(project):
        offered = " or ".join(a.value for a in reject_actions(project))
        raise ReviewError(f"This project rejects by {offered} only.")
    if project.require_comment_on_reject and not comment.strip():
        raise ReviewError("Leave a comment to say why you reject this annotation.")


def is_reviewed(project: Project, accepted: int, rejected: int, pending: int, resubmitted: int = 0) -> bool:
    """REV-2: one accepted annotation, or every submitted annotation accepted or rejected.

    A resubmission after a requeue comes back to review under either setting (REV-3):
    it is pending (so "all processed" waits for it) and counted in `resubmitted` (so
    "one accepted" does too). `reviewed_clause` is the same rule in SQL."""
    if project.reviewed_when is ReviewedWhen.ONE_ACCEPTED:
        return accepted > 0 and resubmitted == 0
    return pending == 0 and accepted + rejected > 0


def reviewed_clause(reviewed_when: ReviewedWhen) -> ColumnElement:
    """`is_reviewed` over the task's review counters, for set-based recounts."""
    if reviewed_when is ReviewedWhen.ONE_ACCEPTED:
        return and_(Task.reviews_accepted > 0, Task.reviews_resubmitted == 0)
    return and_(Task.reviews_pending == 0, Task.reviews_accepted + Task.reviews_rejected > 0)


def recount_reviewed(session: Session, project: Project) -> None:
    """REV-2 after the reviewed-when setting changed: every task's is_reviewed from its
    counters in one UPDATE (rows that change only); project row locked first, the
    writers' lock order. No commit."""
    session.flush()
    session.scalar(select(Project.id).where(Project.id == project.id).with_for_update())
    reviewed = reviewed_clause(project.reviewed_when)
    session.execute(
        update(Task).where(Task.project_id == project.id, Task.is_reviewed != reviewed)
        .values(is_reviewed=reviewed).execution_options(synchronize_session=False)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Task) and obj.project_id == project.id:
            session.expire(obj, ["is_reviewed"])


def refresh_review_state(session: Session, project: Project, task: Task) -> None:
    """Recount the task's review counters from its own annotations (no commit).

    Pending counts submitted annotations only: a skip is nothing to review."""
    # Resubmitted: pending annotations that a reviewer requeued before (REV-3).
    requeued = exists().where(Review.annotation_id == Annotation.id, Review.action == ReviewAction.REJECT_REQUEUE)
    rows = session.execute(
        select(Annotation.review_state, Annotation.was_cancelled, func.count(), func.count().filter(requeued))
        .where(Annotation.task_id == task.id)
        .group_by(Annotation.review_state, Annotation.was_cancelled)
    ).all()
    pending = accepted = rejected = resubmitted = 0
    for state, cancelled, n, requeued_before in rows:
        if state is ReviewState.PENDING and not cancelled:
            pending += n
            resubmitted += requeued_before
        elif state is ReviewState.ACCEPTED:
            accepted += n
        elif state in REJECTED:
            rejected += n
    task.reviews_pending, task.reviews_accepted, task.reviews_rejected = pending, accepted, rejected
    task.reviews_resubmitted = resubmitted
    task.is_reviewed = is_reviewed(project, accepted, rejected, pending, task.reviews_resubmitted)
