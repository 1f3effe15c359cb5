"""When a task counts as finished: counters on the task row, kept in the same transaction."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import Annotation, Project, SkipQueue, Task
from webapp.queue.counters import set_labeled, set_total_annotations
from webapp.queue.overlap import assigns_additional


def refresh_task_state(session: Session, project: Project, task: Task) -> None:
    """Recount the task's annotations and skips and decide `is_labeled`.

    Cost is proportional to the task's own annotations. Skips count toward completion
    only under Ignore skipped (SKIP-3, SKIP-4).
    """
    rows = session.execute(
        select(Annotation.was_cancelled, func.count())
        .where(Annotation.task_id == task.id)
        .group_by(Annotation.was_cancelled)
    ).all()
    counts = {bool(cancelled): n for cancelled, n in rows}
    set_total_annotations(project, task, counts.get(False, 0))
    task.cancelled_annotations = counts.get(True, 0)
    task.has_ground_truth = (
        session.scalar(
            select(func.count()).where(
                Annotation.task_id == task.id, Annotation.ground_truth.is_(True)
            )
        )
        > 0
    )
    set_labeled(project, task, finished_count(project, task) >= task.overlap and meets_agreement(project, task))


def meets_agreement(project: Project, task: Task) -> bool:
    """QA-5: with "Assign additional annotator" a task below the threshold is incomplete;
    an unknown agreement (fewer than two annotations) never blocks."""
    if not assigns_additional(project) or task.agreement is None:
        return True
    return task.agreement >= project.agreement_threshold


def finished_count(project: Project, task: Task) -> int:
    if project.skip_queue is SkipQueue.IGNORE_SKIPPED:
        return task.total_annotations + task.cancelled_annotations
    return task.total_annotations
