"""In which order an annotator's eligible tasks are offered (SAMP-1..4, QA-2, QA-3).

Precedence: ground truth first (QA-3), then tasks already in progress (breadth-first,
so partly labeled tasks complete), then overlap first (QA-2), then the rest; inside each
tier the project's sampling order. Every query is LIMIT 1 along an index, never a sort
of the project.
"""
from __future__ import annotations

import random
from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session

from webapp.dbutil import is_postgres
from webapp.models import Distribution, Prediction, Project, Sampling, Task

Pick = Callable[[Select], Task | None]


def tiers(project: Project) -> list[list]:
    """Extra WHERE clauses, tried in order; the first tier with a task wins."""
    out = []
    if project.show_ground_truth_first:
        out.append([Task.has_ground_truth.is_(True)])
    minimum = project.annotations_per_task_minimum
    if project.distribution is Distribution.AUTO and minimum > 1:
        # Unfinished with an annotation means overlap > 1 and under way.
        out.append([Task.total_annotations > 0])
        if project.show_overlap_first and project.overlap_percentage < 100:
            out.append([Task.overlap == minimum])
    out.append([])
    return out


def span_columns(project: Project) -> list[ColumnElement]:
    """Uniform sampling's id range of unfinished tasks (SAMP-2) as two scalar subqueries,
    for the caller to read with its other probes in one round trip; none otherwise."""
    if project.sampling is not Sampling.UNIFORM:
        return []
    span = select(Task.id).where(Task.project_id == project.id)
    if project.distribution is Distribution.AUTO:
        span = span.where(Task.is_labeled.is_(False))
    return [
        span.with_only_columns(func.min(Task.id)).scalar_subquery(),
        span.with_only_columns(func.max(Task.id)).scalar_subquery(),
    ]


def first_in_order(
    session: Session, project: Project, stmt: Select, rng: random.Random, span: tuple
) -> Task | None:
    """The first task of `stmt` by tier, then by sampling order, locked when reserving.
    `span` is what `span_columns` read, (lowest, highest) id; uniform sampling needs it."""
    pick = _sampler(session, project, rng, span)
    for extra in tiers(project):
        task = pick(stmt.where(*extra) if extra else stmt)
        if task is not None:
            return task
    return None


def _sampler(session: Session, project: Project, rng: random.Random, span: tuple) -> Pick:
    def first(stmt: Select) -> Task | None:
        if project.uses_reservations and is_postgres(session):
            # Concurrent next-task calls pass over each other's candidate (ANN-5).
            stmt = stmt.with_for_update(skip_locked=True, of=Task)
        return session.scalar(stmt.limit(1))

    if project.sampling is Sampling.UNIFORM:
        return lambda stmt: _uniform(stmt, first, rng, *span)
    if project.sampling is Sampling.UNCERTAINTY:
        version = _prediction_version(session, project)
        return lambda stmt: _uncertainty(project, stmt, first, version)
    return lambda stmt: first(stmt.order_by(Task.id))  # SAMP-1: Data Manager order


def _uniform(stmt: Select, first, rng: random.Random, low: int | None, high: int | None) -> Task | None:
    """SAMP-2: a random pivot in the project's id range, then the first eligible task at
    or after it, wrapping around; index probes instead of ORDER BY random()."""
    if low is None:
        return None
    pivot = rng.randint(low, high)
    return first(stmt.where(Task.id >= pivot).order_by(Task.id)) or first(
        stmt.where(Task.id < pivot).order_by(Task.id)
    )


def _uncertainty(project: Project, stmt: Select, first, version: str | None) -> Task | None:
    """SAMP-3: lowest score of the chosen prediction set first (ix_prediction_uncertainty),
    then tasks without a scored prediction of that set, in id order."""
    if version is None:
        return first(stmt.order_by(Task.id))
    scored = and_(
        Prediction.task_id == Task.id,
        Prediction.project_id == project.id,
        Prediction.model_version == version,
        Prediction.score.is_not(None),
    )
    task = first(stmt.join(Prediction, scored).order_by(Prediction.score, Task.id))
    return task or first(stmt.where(~exists().where(scored)).order_by(Task.id))


def _prediction_version(session: Session, project: Project) -> str | None:
    """The live predictions source's set ("version:<v>", or "model:<id>"'s newest version
    with predictions, so the order follows retraining), else the newest prediction set."""
    from webapp.ml.sources import chosen_version

    return chosen_version(session, project)
