"""A page of the task table: the tasks, then the computed columns for those ids only."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.data_manager.columns import WITHHOLDABLE
from webapp.data_manager.query import TaskQuery, page_select
from webapp.data_manager.visibility import Viewer
from webapp.ml.sources import chosen_version
from webapp.models import (
    Annotation,
    AssignmentKind,
    Prediction,
    Project,
    Review,
    Task,
    TaskAssignment,
    User,
)


@dataclass
class TaskRow:
    task: Task
    values: dict[str, object] = field(default_factory=dict)  # computed columns by key


@dataclass
class Page:
    rows: list[TaskRow]
    has_next: bool
    query: TaskQuery


def load_page(session: Session, project: Project, viewer: Viewer, query: TaskQuery, columns=None) -> Page:
    """The page's tasks with the computed columns in `columns` (default: the query's),
    never one the viewer may not see."""
    probe = session.scalars(page_select(session, project, viewer, query)).all()
    ids = probe[: query.size]
    by_id = {t.id: t for t in session.scalars(select(Task).where(Task.id.in_(ids)))} if ids else {}
    rows = [TaskRow(by_id[i]) for i in ids]
    wanted = (set(columns) if columns is not None else set(query.columns)) & viewer.columns
    if ids:
        for key, loader in _LOADERS.items():
            if key in wanted:
                found = loader(session, project, ids)
                for row in rows:
                    row.values[key] = found.get(row.task.id, _EMPTY[key])
    return Page(rows, len(probe) > query.size, query)


def _annotators(session: Session, project: Project, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    stmt = select(Annotation.task_id, User.email).join(User, User.id == Annotation.completed_by_id)
    for task_id, email in session.execute(stmt.where(Annotation.task_id.in_(ids))):
        out[task_id].add(email)
    return {k: sorted(v) for k, v in out.items()}


def _reviewers(session: Session, project: Project, ids: list[int]) -> dict[int, list[str]]:
    """Reviewers assigned to the task or who reviewed one of its annotations."""
    out: dict[int, set[str]] = defaultdict(set)
    assigned = (
        select(TaskAssignment.task_id, User.email)
        .join(User, User.id == TaskAssignment.user_id)
        .where(TaskAssignment.task_id.in_(ids), TaskAssignment.kind == AssignmentKind.REVIEWER)
    )
    reviewed = (
        select(Annotation.task_id, User.email)
        .join(Review, Review.annotation_id == Annotation.id)
        .join(User, User.id == Review.reviewer_id)
        .where(Annotation.task_id.in_(ids))
    )
    for stmt in (assigned, reviewed):
        for task_id, email in session.execute(stmt):
            out[task_id].add(email)
    return {k: sorted(v) for k, v in out.items()}


def _prediction_score(session: Session, project: Project, ids: list[int]) -> dict[int, float]:
    version = chosen_version(session, project)  # the live source's set, else the newest (LIVE-1)
    if version is None:
        return {}
    stmt = (
        select(Prediction.task_id, func.max(Prediction.score))
        .where(Prediction.task_id.in_(ids), Prediction.model_version == version)
        .group_by(Prediction.task_id)
    )
    return {tid: score for tid, score in session.execute(stmt) if score is not None}


_LOADERS = {
    "annotators": _annotators,
    "reviewers": _reviewers,
    "prediction_score": _prediction_score,
}
_EMPTY = {"annotators": [], "reviewers": [], "prediction_score": None}


def row_json(row: TaskRow, viewer: Viewer, body: dict) -> dict:
    """`body` (a task's API JSON) with the Data Manager columns added and every withheld
    one removed, whoever put it there (OPT-3, REV-8)."""
    t = row.task
    body.update(
        agreement=t.agreement,
        annotators=row.values.get("annotators", []),
        reviewers=row.values.get("reviewers", []),
        prediction_score=row.values.get("prediction_score"),
        has_ground_truth=t.has_ground_truth,
        needs_attention=t.needs_attention,
        is_reviewed=t.is_reviewed,
        reviews_accepted=t.reviews_accepted,
        reviews_rejected=t.reviews_rejected,
    )
    for key in WITHHOLDABLE - viewer.columns:
        body.pop(key, None)
    return body
