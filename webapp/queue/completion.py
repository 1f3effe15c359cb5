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
    submitted, skipped, ground_truths = session.execute(
        select(
            func.count().filter(Annotation.was_cancelled.is_(False)),
            func.count().filter(Annotation.was_cancelled.is_(True)),
            func.count().filter(Annotation.ground_truth.is_(True)),
        ).where(Annotation.task_id == task.id)
    ).one()  # one query; the counters set below reach the database in one flush, later
    set_total_annotations(project, task, submitted)
    task.cancelled_annotations = skipped
    task.has_ground_truth = ground_truths > 0
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
