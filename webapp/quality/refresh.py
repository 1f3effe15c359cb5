"""Keep Task.agreement (a percentage) current: one task in the writer's transaction
(QA-6), or every task of a project in pages (Reset cache, the settings job)."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Annotation, Project, Task
from webapp.quality.agreement import AgreementSettings, task_agreement
from webapp.quality.low_agreement import apply_strategy, project_annotator_ids

PAGE_SIZE = 500


def as_percent(score: float | None) -> float | None:
    return None if score is None else round(score * 100, 2)


def task_results(session: Session, task_id: int) -> list[list]:
    """Submitted results of a task (skips and removed annotations excluded), oldest first."""
    return list(session.scalars(
        select(Annotation.result)
        .where(Annotation.task_id == task_id, Annotation.was_cancelled.is_(False))
        .order_by(Annotation.id)
    ))


def recompute_task(session: Session, project: Project, task: Task,
                   settings: AgreementSettings | None = None) -> None:
    """Cost proportional to the task's annotations; does not commit."""
    settings = settings or AgreementSettings.from_project(project)
    task.agreement = as_percent(task_agreement(task_results(session, task.id), settings))
    apply_strategy(session, project, task)


def recompute_project(session: Session, project: Project, page_size: int = PAGE_SIZE) -> int:
    """Every task's agreement and QA-5 state, a page of tasks (and one query for their
    annotations) at a time; idempotent; returns the number of tasks. Does not commit."""
    settings = AgreementSettings.from_project(project)
    annotators = project_annotator_ids(session, project)
    last_id, done = 0, 0
    while True:
        tasks = session.scalars(
            select(Task).where(Task.project_id == project.id, Task.id > last_id)
            .order_by(Task.id).limit(page_size)
        ).all()
        if not tasks:
            return done
        results: dict[int, list[list]] = defaultdict(list)
        for task_id, result in session.execute(
            select(Annotation.task_id, Annotation.result)
            .where(Annotation.task_id.in_([t.id for t in tasks]), Annotation.was_cancelled.is_(False))
            .order_by(Annotation.task_id, Annotation.id)
        ):
            results[task_id].append(result)
        for task in tasks:
            task.agreement = as_percent(task_agreement(results[task.id], settings))
            apply_strategy(session, project, task, annotators)
        session.flush()
        last_id, done = tasks[-1].id, done + len(tasks)
