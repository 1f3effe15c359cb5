"""Low agreement strategy "Assign additional annotator" (QA-5), Auto mode only.

Called once the task's counters and agreement are current. A task that met its overlap
but stays below the threshold gets one more annotator (overlap + 1), up to the maximum
additional annotators; the queue then offers it like any unfinished task. When the
maximum is reached or no project annotator is left, the task is flagged needs_attention
and stays incomplete: never silently complete.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.members import members
from webapp.models import Annotation, OrgRole, Project, Task
from webapp.queue.completion import finished_count, meets_agreement
from webapp.queue.counters import set_labeled
from webapp.queue.overlap import assigns_additional


def project_annotator_ids(session: Session, project: Project) -> set[int]:
    """Active members who annotate in this project (the Auto distribution's audience)."""
    return {
        m.user.id for m in members(session, project)
        if m.effective_role is OrgRole.ANNOTATOR and m.user.is_active_user
    }


def apply_strategy(session: Session, project: Project, task: Task,
                   annotators: set[int] | None = None) -> None:
    """Decide is_labeled, extra overlap and the flag; `annotators` may be passed in by a
    bulk caller so the members are read once per project."""
    if not assigns_additional(project):
        task.overlap -= task.extra_overlap
        task.extra_overlap = 0
        task.needs_attention = False
        set_labeled(project, task, finished_count(project, task) >= task.overlap)
        return
    finished = finished_count(project, task)
    if meets_agreement(project, task):
        # Agreement reached (e.g. after an edit): extra seats nobody took are released.
        unused = min(task.extra_overlap, max(0, task.overlap - finished))
        task.extra_overlap -= unused
        task.overlap -= unused
        task.needs_attention = False
        set_labeled(project, task, finished >= task.overlap)
        return
    set_labeled(project, task, False)
    if finished < task.overlap:
        return  # an added annotator is still to come
    limit = project.max_additional_annotators
    if (limit is None or task.extra_overlap < limit) and _anyone_left(session, project, task, annotators):
        task.extra_overlap += 1
        task.overlap += 1
        task.needs_attention = False
    else:
        task.needs_attention = True


def _anyone_left(session: Session, project: Project, task: Task, annotators: set[int] | None) -> bool:
    """An annotator member who has neither annotated nor skipped the task."""
    if annotators is None:
        annotators = project_annotator_ids(session, project)
    touched = set(session.scalars(
        select(Annotation.completed_by_id).where(Annotation.task_id == task.id)
    ))
    return bool(annotators - touched)
