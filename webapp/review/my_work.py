"""An annotator's own work: submitted, skipped, drafted and requeued-for-fix annotations,
and the reviewer's comment the stream shows with a requeued one (REV-3)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Annotation, Draft, Review, ReviewAction, ReviewState, Task

PAGE_SIZE = 50


class WorkFilter(str, Enum):
    ALL = "all"
    SUBMITTED = "submitted"
    SKIPPED = "skipped"
    REQUEUED = "requeued"


_FILTERS = {
    WorkFilter.ALL: (),
    WorkFilter.SUBMITTED: (Annotation.was_cancelled.is_(False),),
    WorkFilter.SKIPPED: (
        Annotation.was_cancelled.is_(True), Annotation.review_state != ReviewState.REJECTED_REMOVED,
    ),
    WorkFilter.REQUEUED: (
        Annotation.was_cancelled.is_(False), Annotation.review_state == ReviewState.REJECTED_REQUEUED,
    ),
}


@dataclass
class WorkPage:
    annotations: list[Annotation]
    comments: dict[int, str]  # annotation id -> latest reviewer comment on a requeued one
    next_before: int | None  # keyset cursor: the next page holds ids below this


def my_annotations(
    session: Session, project_id: int, user_id: int, kind: WorkFilter, before: int | None = None,
    page_size: int = PAGE_SIZE,
) -> WorkPage:
    """Newest first, keyset-paged on the id (ix_annotation_user_project), never OFFSET."""
    stmt = select(Annotation).where(
        Annotation.project_id == project_id, Annotation.completed_by_id == user_id, *_FILTERS[kind]
    )
    if before is not None:
        stmt = stmt.where(Annotation.id < before)
    rows = list(session.scalars(stmt.order_by(Annotation.id.desc()).limit(page_size + 1)))
    more = len(rows) > page_size
    rows = rows[:page_size]
    requeued = [a.id for a in rows if a.review_state is ReviewState.REJECTED_REQUEUED]
    return WorkPage(rows, requeue_comments(session, requeued), rows[-1].id if more else None)


def my_drafts(session: Session, project_id: int, user_id: int, limit: int = PAGE_SIZE) -> list[Draft]:
    """Drafts of tasks not yet submitted (a draft is deleted on submit)."""
    return list(
        session.scalars(
            select(Draft)
            .join(Task, Task.id == Draft.task_id)
            .where(Draft.user_id == user_id, Task.project_id == project_id)
            .order_by(Draft.updated_at.desc())
            .limit(limit)
        )
    )


@dataclass
class MyWork:
    page: WorkPage
    drafts: list[Draft]  # on the first page of "all" only


def my_work(session: Session, project_id: int, user_id: int, kind: WorkFilter, before: int | None) -> MyWork:
    page = my_annotations(session, project_id, user_id, kind, before)
    show_drafts = kind is WorkFilter.ALL and before is None
    return MyWork(page, my_drafts(session, project_id, user_id) if show_drafts else [])


def requeue_comments(session: Session, annotation_ids: list[int]) -> dict[int, str]:
    """The latest requeue comment of each annotation."""
    if not annotation_ids:
        return {}
    rows = session.execute(
        select(Review.annotation_id, Review.comment)
        .where(Review.annotation_id.in_(annotation_ids), Review.action == ReviewAction.REJECT_REQUEUE)
        .order_by(Review.id)
    )
    return {annotation_id: comment for annotation_id, comment in rows}


@dataclass
class FixRequest:
    annotation: Annotation
    comment: str


def fix_request(session: Session, task_id: int, user_id: int) -> FixRequest | None:
    """The annotator's requeued annotation on this task, if a reviewer sent it back."""
    annotation = session.scalar(
        select(Annotation).where(
            Annotation.task_id == task_id,
            Annotation.completed_by_id == user_id,
            Annotation.review_state == ReviewState.REJECTED_REQUEUED,
            Annotation.was_cancelled.is_(False),
        ).limit(1)
    )
    if annotation is None:
        return None
    return FixRequest(annotation, requeue_comments(session, [annotation.id]).get(annotation.id, ""))
