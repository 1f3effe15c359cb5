"""Task with the counters the next-task query reads, plus reservations and assignments."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models._types import JSONType, enum_column, utcnow
from webapp.models.enums import AssignmentKind


class Task(db.Model):
    __table_args__ = (
        # Next-task: unfinished tasks of a project in Data Manager order.
        Index("ix_task_next", "project_id", "is_labeled", "id"),
        # Next-task tiers: ground truth first (QA-3), overlap first (QA-2), in progress.
        Index("ix_task_next_ground_truth", "project_id", "is_labeled", "has_ground_truth", "id"),
        Index("ix_task_next_overlap", "project_id", "is_labeled", "overlap", "id"),
        Index("ix_task_next_in_progress", "project_id", "is_labeled", "total_annotations"),
        # Review stream: unreviewed tasks with annotations waiting (REV-2).
        Index("ix_task_review_queue", "project_id", "is_reviewed", "reviews_pending", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(JSONType)
    meta: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Annotations this task needs (QA-1: the minimum for the enforced share, else 1).
    overlap: Mapped[int] = mapped_column(default=1)
    # Counters kept current in the transaction that changes them.
    total_annotations: Mapped[int] = mapped_column(default=0)  # submitted, not cancelled
    cancelled_annotations: Mapped[int] = mapped_column(default=0)  # skips
    total_predictions: Mapped[int] = mapped_column(default=0)
    is_labeled: Mapped[bool] = mapped_column(default=False)
    has_ground_truth: Mapped[bool] = mapped_column(default=False)
    # Review counters (REV-2), kept current by webapp.review in the same transaction.
    reviews_pending: Mapped[int] = mapped_column(default=0, server_default="0")
    reviews_accepted: Mapped[int] = mapped_column(default=0, server_default="0")
    reviews_rejected: Mapped[int] = mapped_column(default=0, server_default="0")
    # Pending annotations resubmitted after a requeue: they send a reviewed task back (REV-3).
    reviews_resubmitted: Mapped[int] = mapped_column(default=0, server_default="0")
    is_reviewed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Mean pairwise agreement in percent (QA-4), None below two annotations.
    agreement: Mapped[float | None] = mapped_column(Float, default=None)
    # Annotators added beyond `overlap`'s QA-1 share by the low agreement strategy (QA-5);
    # `overlap` includes them. needs_attention: below threshold with nobody left to add.
    extra_overlap: Mapped[int] = mapped_column(default=0, server_default="0")
    needs_attention: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Reservation(db.Model):
    """A task held for one annotator until expires_at (ANN-3..6)."""

    __table_args__ = (
        UniqueConstraint("task_id", "user_id"),
        Index("ix_reservation_task_live", "task_id", "expires_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class TaskAssignment(db.Model):
    """Manual assignment of an annotator or reviewer to a task (ANN-2, REV-4)."""

    __table_args__ = (
        UniqueConstraint("task_id", "user_id", "kind"),
        Index("ix_assignment_user_queue", "user_id", "kind", "task_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[AssignmentKind] = mapped_column(enum_column(AssignmentKind))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# QA-5 flagged tasks are few: a partial index holds only them, for the scheduled
# re-evaluation (all projects) and the dashboard count. Its WHERE is the very expression
# the queries use (`needs_attention IS 1` on SQLite), so both planners pick it.
Index(
    "ix_task_needs_attention", Task.project_id, Task.id,
    postgresql_where=Task.needs_attention.is_(True), sqlite_where=Task.needs_attention.is_(True),
)
