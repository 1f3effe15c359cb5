"""Review rules: when a task counts as reviewed (REV-2), which reject actions a project
offers (REV-3), when a comment is required (REV-7), and the task's review counters."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import Annotation, Project, RejectOption, ReviewAction, ReviewedWhen, ReviewState, Task

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


def is_reviewed(project: Project, accepted: int, rejected: int, pending: int) -> bool:
    """REV-2: one accepted annotation, or every submitted annotation accepted or rejected.

    A resubmission after a requeue is pending again, so under "all processed" the task goes
    back to the review stream (REV-3)."""
    if project.reviewed_when is ReviewedWhen.ONE_ACCEPTED:
        return accepted > 0
    return pending == 0 and accepted + rejected > 0


def refresh_review_state(session: Session, project: Project, task: Task) -> None:
    """Recount the task's review counters from its own annotations (no commit).

    Pending counts submitted annotations only: a skip is nothing to review."""
    rows = session.execute(
        select(Annotation.review_state, Annotation.was_cancelled, func.count())
        .where(Annotation.task_id == task.id)
        .group_by(Annotation.review_state, Annotation.was_cancelled)
    ).all()
    pending = accepted = rejected = 0
    for state, cancelled, n in rows:
        if state is ReviewState.PENDING and not cancelled:
            pending += n
        elif state is ReviewState.ACCEPTED:
            accepted += n
        elif state in REJECTED:
            rejected += n
    task.reviews_pending, task.reviews_accepted, task.reviews_rejected = pending, accepted, rejected
    task.is_reviewed = is_reviewed(project, accepted, rejected, pending)
