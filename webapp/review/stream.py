"""The review stream: which task a reviewer gets next (REV-2, REV-4, REV-5).

One indexed walk (ix_task_review_queue) over unreviewed tasks with annotations waiting;
the filters below are correlated per row, so nothing here counts the project."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, joinedload

from webapp.models import (
    Annotation,
    AssignmentKind,
    Distribution,
    Prediction,
    Project,
    Review,
    Task,
    TaskAssignment,
    User,
)


def _assigned(user_id: int, kind: AssignmentKind, task_id=Task.id):
    return exists().where(
        TaskAssignment.task_id == task_id, TaskAssignment.user_id == user_id, TaskAssignment.kind == kind
    )


def finished_filter(project: Project):
    """REV-5. Auto: the overlap minimum met by submitted annotations (skips do not count).
    Manual: every assigned annotator submitted."""
    if project.distribution is Distribution.AUTO:
        return Task.total_annotations >= Task.overlap
    submitted = exists().where(
        Annotation.task_id == Task.id,
        Annotation.completed_by_id == TaskAssignment.user_id,
        Annotation.was_cancelled.is_(False),
    )
    waiting = exists().where(
        TaskAssignment.task_id == Task.id, TaskAssignment.kind == AssignmentKind.ANNOTATOR, ~submitted
    )
    return ~waiting


def _only_assigned(project: Project, reviewer: User) -> bool:
    """REV-4 narrows what reviewers see; managers review every task."""
    return project.review_only_assigned and not reviewer.org_role.can_manage


def review_candidates(project: Project, reviewer: User):
    """Tasks this reviewer may review now, in Data Manager order."""
    stmt = select(Task).where(
        Task.project_id == project.id, Task.is_reviewed.is_(False), Task.reviews_pending > 0
    )
    if _only_assigned(project, reviewer):  # REV-4
        stmt = stmt.where(_assigned(reviewer.id, AssignmentKind.REVIEWER))
    if project.review_only_finished:  # REV-5
        stmt = stmt.where(finished_filter(project))
    return stmt.order_by(Task.id)


def next_task_to_review(session: Session, project: Project, reviewer: User) -> Task | None:
    return session.scalar(review_candidates(project, reviewer).limit(1))


def may_review_task(session: Session, project: Project, reviewer: User, task_id: int) -> bool:
    """REV-4 for direct review calls: with "only assigned" on, the task must be assigned."""
    if not _only_assigned(project, reviewer):
        return True
    return bool(session.scalar(select(_assigned(reviewer.id, AssignmentKind.REVIEWER, task_id))))


@dataclass
class TaskForReview:
    task: Task
    annotations: list[Annotation]  # submitted ones, oldest first, with their reviews
    reviews: dict[int, list[Review]]
    predictions: list[Prediction]


def next_review(session: Session, project: Project, reviewer: User) -> TaskForReview | None:
    """What the review page shows: the next task with its annotations, or None."""
    task = next_task_to_review(session, project, reviewer)
    return None if task is None else task_for_review(session, task)


def task_for_review(session: Session, task: Task) -> TaskForReview:
    annotations = session.scalars(
        select(Annotation)
        .options(joinedload(Annotation.completed_by))
        .where(and_(Annotation.task_id == task.id, Annotation.was_cancelled.is_(False)))
        .order_by(Annotation.id)
    ).all()
    reviews: dict[int, list[Review]] = {a.id: [] for a in annotations}
    for review in session.scalars(
        select(Review).where(Review.annotation_id.in_(reviews)).order_by(Review.id)
    ):
        reviews[review.annotation_id].append(review)
    predictions = session.scalars(
        select(Prediction).where(Prediction.task_id == task.id).order_by(Prediction.id)
    ).all()
    return TaskForReview(task, list(annotations), reviews, list(predictions))
