"""Which tasks need the overlap minimum (QA-1), and project progress (SKIP-4)."""
from __future__ import annotations

from sqlalchemy import case, literal, true, update
from sqlalchemy.orm import Session

from webapp.models import Distribution, LowAgreementStrategy, Project, SkipQueue, Task
from webapp.queue import counters

# A fixed permutation of id % 100 (79 is coprime with 100): every block of 100 consecutive
# ids has exactly P enforced tasks, and the arithmetic stays small on every integer type.
_MULTIPLIER, _OFFSET = 79, 13


def overlap_for_task_id(project: Project, task_id: int) -> int:
    """The overlap a task needs; the same rule recompute_overlap applies in SQL."""
    if project.distribution is Distribution.MANUAL:
        return 1  # QA-1 applies to Auto mode only
    enforced = ((task_id % 100) * _MULTIPLIER + _OFFSET) % 100 < project.overlap_percentage
    return project.annotations_per_task_minimum if enforced else 1


def _overlap_expr(project: Project):
    if project.distribution is Distribution.MANUAL:
        return literal(1)
    enforced = ((Task.id % 100) * _MULTIPLIER + _OFFSET) % 100 < project.overlap_percentage
    return case((enforced, project.annotations_per_task_minimum), else_=1)


def finished_expr(project: Project):
    """SQL twin of completion.finished_count: skips count only under Ignore (SKIP-3)."""
    if project.skip_queue is SkipQueue.IGNORE_SKIPPED:
        return Task.total_annotations + Task.cancelled_annotations
    return Task.total_annotations


def assigns_additional(project: Project) -> bool:
    """QA-5 applies in Auto mode with "Assign additional annotator" only."""
    return (project.distribution is Distribution.AUTO
            and project.low_agreement_strategy is LowAgreementStrategy.ASSIGN_ADDITIONAL_ANNOTATOR)


def meets_agreement_expr(project: Project):
    """SQL twin of quality.low_agreement.meets_agreement: unknown agreement never blocks."""
    if not assigns_additional(project):
        return true()
    return Task.agreement.is_(None) | (Task.agreement >= project.agreement_threshold)


def recompute_overlap(
    session: Session, project: Project, id_range: tuple[int, int] | None = None
) -> None:
    """Set overlap and is_labeled in one UPDATE, for the project or only the tasks in
    `id_range` (an import batch); call after N, P, the distribution, the skip queue or the
    task set change. Keeps the annotators the low agreement strategy added (QA-5), and a
    task below the agreement threshold stays incomplete. Does not commit."""
    session.flush()
    extra = Task.extra_overlap if assigns_additional(project) else literal(0)
    overlap = _overlap_expr(project) + extra
    where = [Task.project_id == project.id]
    if id_range is not None:
        where.append(Task.id.between(*id_range))
    finished_before = counters.finished_in(session, project, id_range) if id_range else 0
    session.execute(
        update(Task)
        .where(*where)
        .values(
            overlap=overlap,
            extra_overlap=extra,
            needs_attention=Task.needs_attention if assigns_additional(project) else literal(False),
            is_labeled=(finished_expr(project) >= overlap) & meets_agreement_expr(project),
        )
        .execution_options(synchronize_session=False)
    )
    if id_range is None:
        project.finished_task_count = counters.finished_in(session, project, None)
    else:
        project.finished_task_count += counters.finished_in(session, project, id_range) - finished_before
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Task) and obj.project_id == project.id:
            session.expire(obj)


def project_progress(project: Project) -> tuple[int, int]:
    """(finished, total) tasks from the project's counters; is_labeled already counts skips
    only under Ignore skipped, so other modes show less than 100% (SKIP-4)."""
    return project.finished_task_count, project.task_count
