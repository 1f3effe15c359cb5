"""Project counters on the project row: how many tasks, finished tasks and submitted
annotations it has, so the label stream, the project list and progress (SKIP-4) read
one row instead of counting a project's tasks.

Every writer locks the project row before its tasks (webapp/annotations/service.py), so
the counters change in Python on that locked row; set-based writers pass their deltas.
Reset cache recounts them (DZ-1).
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, func, select, update
from sqlalchemy.orm import Session

from webapp.models import Project, Task

_CHUNK = 1000  # ids per IN list, well under every driver's parameter limit


def set_labeled(project: Project, task: Task, labeled: bool) -> None:
    """Set the task's is_labeled, keeping the project's finished count."""
    if bool(task.is_labeled) != labeled:
        project.finished_task_count += 1 if labeled else -1
    task.is_labeled = labeled


def set_total_annotations(project: Project, task: Task, total: int) -> None:
    project.annotation_count += total - (task.total_annotations or 0)
    task.total_annotations = total


def add_tasks(project: Project, tasks: int, annotations: int) -> None:
    """New tasks arrive unfinished; recompute_overlap counts any it finishes."""
    project.task_count += tasks
    project.annotation_count += annotations


def _sums(session: Session, *where) -> tuple[int, int, int]:
    tasks, finished, annotations = session.execute(
        select(func.count(), func.coalesce(func.sum(Task.is_labeled.cast(Integer)), 0),
               func.coalesce(func.sum(Task.total_annotations), 0)).where(*where)
    ).one()
    return int(tasks), int(finished), int(annotations)


def remove_tasks(session: Session, project: Project, task_ids: Sequence[int]) -> None:
    """Before the tasks are deleted: cost proportional to the deleted tasks. One atomic
    UPDATE, as a bulk delete need not hold the project row lock."""
    for start in range(0, len(task_ids), _CHUNK):
        chunk = task_ids[start:start + _CHUNK]
        tasks, finished, annotations = _sums(session, Task.project_id == project.id, Task.id.in_(chunk))
        session.execute(update(Project).where(Project.id == project.id).values(
            task_count=Project.task_count - tasks,
            finished_task_count=Project.finished_task_count - finished,
            annotation_count=Project.annotation_count - annotations,
        ))


def finished_in(session: Session, project: Project, id_range: tuple[int, int] | None) -> int:
    where = [Task.project_id == project.id, Task.is_labeled.is_(True)]
    if id_range is not None:
        where.append(Task.id.between(*id_range))
    return int(session.scalar(select(func.count()).where(*where)))


def recount(session: Session, project: Project) -> None:
    """All three from the tasks (Reset cache, DZ-1): one pass over the project's rows."""
    session.flush()
    project.task_count, project.finished_task_count, project.annotation_count = _sums(
        session, Task.project_id == project.id
    )
