"""Dashboard aggregates: progress (SKIP-4), tasks by state, per-annotator work (DASH-1).

Each figure is one aggregate query over the task counters or the annotation rows; the
median lead time uses percentile_cont on PostgreSQL and window functions elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from webapp.models import Annotation, Project, ReviewState, Task, User
from webapp.queue import project_progress

REJECTED = (ReviewState.REJECTED_REQUEUED, ReviewState.REJECTED_REMOVED)


@dataclass(frozen=True)
class Progress:
    finished: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.finished / self.total if self.total else 0.0


def progress(session: Session, project: Project) -> Progress:
    """Finished tasks per is_labeled, which counts skips only under Ignore skipped (SKIP-4)."""
    return Progress(*project_progress(project))


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def task_states(session: Session, project: Project) -> list[tuple[str, int]]:
    """The first four states partition the tasks; reviewed and rejected overlap them."""
    open_ = Task.is_labeled.is_(False)
    untouched = and_(open_, Task.total_annotations == 0)
    row = session.execute(
        select(
            _count(untouched & (Task.cancelled_annotations == 0)),
            _count(open_ & (Task.total_annotations > 0)),
            _count(Task.is_labeled.is_(True)),
            _count(untouched & (Task.cancelled_annotations > 0)),
            _count(Task.is_reviewed.is_(True)),
            _count(Task.reviews_rejected > 0),
        ).where(Task.project_id == project.id)
    ).one()
    names = ("Unlabeled", "In progress", "Completed", "Skipped", "Reviewed", "Rejected")
    return list(zip(names, (int(n) for n in row)))


@dataclass(frozen=True)
class AnnotatorRow:
    user_id: int
    email: str
    annotations: int
    skips: int
    mean_lead_time: float | None
    median_lead_time: float | None
    accepted: int
    rejected: int


def annotator_table(session: Session, project: Project, only_user_id: int | None = None) -> list[AnnotatorRow]:
    """One row per annotator (GROUP BY completed_by); `only_user_id` restricts to one."""
    submitted = Annotation.was_cancelled.is_(False)
    where = [Annotation.project_id == project.id, Annotation.completed_by_id.is_not(None)]
    if only_user_id is not None:
        where.append(Annotation.completed_by_id == only_user_id)
    rows = session.execute(
        select(
            Annotation.completed_by_id,
            User.email,
            _count(submitted),
            _count(Annotation.was_cancelled.is_(True)),
            func.avg(case((submitted, Annotation.lead_time))),
            _count(Annotation.review_state == ReviewState.ACCEPTED),
            _count(Annotation.review_state.in_(REJECTED)),
        )
        .join(User, User.id == Annotation.completed_by_id)
        .where(*where)
        .group_by(Annotation.completed_by_id, User.email)
        .order_by(User.email)
    ).all()
    medians = _median_lead_times(session, where + [submitted, Annotation.lead_time.is_not(None)])
    return [
        AnnotatorRow(uid, email, int(n), int(skips), mean, medians.get(uid), int(acc), int(rej))
        for uid, email, n, skips, mean, acc, rej in rows
    ]


def _median_lead_times(session: Session, where: list) -> dict[int, float]:
    if session.get_bind().dialect.name == "postgresql":
        median = func.percentile_cont(0.5).within_group(Annotation.lead_time)
        stmt = select(Annotation.completed_by_id, median).where(*where).group_by(Annotation.completed_by_id)
        return {uid: float(m) for uid, m in session.execute(stmt)}
    # Portable: number each annotator's lead times in order, average the middle one or two.
    ranked = select(
        Annotation.completed_by_id.label("uid"),
        Annotation.lead_time.label("lead"),
        func.row_number().over(partition_by=Annotation.completed_by_id, order_by=Annotation.lead_time).label("rn"),
        func.count().over(partition_by=Annotation.completed_by_id).label("n"),
    ).where(*where).subquery()
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    stmt = select(ranked.c.uid, func.avg(ranked.c.lead)).where(middle).group_by(ranked.c.uid)
    return {uid: float(m) for uid, m in session.execute(stmt)}
