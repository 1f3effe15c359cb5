"""Annotations (Label Studio result JSON), drafts, predictions, reviews and comments."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import JSONType, enum_column, utcnow
from webapp.models.enums import ReviewAction
from webapp.models.organization import User
from webapp.models.review_state import ReviewState


class Annotation(db.Model):
    """A submitted result; was_cancelled marks a skip (Label Studio's convention)."""

    __table_args__ = (
        Index("ix_annotation_task_user", "task_id", "completed_by_id"),
        # Also the requeued-for-a-fix probe of next-task (REV-3): a seek, not a walk of
        # everything the annotator ever labeled in the project.
        Index("ix_annotation_user_project", "completed_by_id", "project_id", "review_state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    result: Mapped[list] = mapped_column(JSONType, default=list)
    was_cancelled: Mapped[bool] = mapped_column(default=False)
    ground_truth: Mapped[bool] = mapped_column(default=False)
    review_state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState), default=ReviewState.PENDING, server_default=ReviewState.PENDING.value
    )
    from_model: Mapped[bool] = mapped_column(default=False, server_default=false())  # auto-accepted prediction (AL-1)
    lead_time: Mapped[float | None] = mapped_column(Float, default=None)  # seconds
    parent_prediction_id: Mapped[int | None] = mapped_column(
        ForeignKey("prediction.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    completed_by: Mapped[User | None] = relationship()


class Draft(db.Model):
    """Work in progress, saved while labeling and restored on reopen (ANN-7)."""

    __table_args__ = (UniqueConstraint("task_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    annotation_id: Mapped[int | None] = mapped_column(ForeignKey("annotation.id", ondelete="CASCADE"))
    result: Mapped[list] = mapped_column(JSONType, default=list)
    lead_time: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Prediction(db.Model):
    __table_args__ = (
        Index("ix_prediction_project_version", "project_id", "model_version"),
        # Uncertainty sampling walks one prediction set by score (SAMP-3).
        Index("ix_prediction_uncertainty", "project_id", "model_version", "score", "task_id"),
        # The newest prediction set of a project.
        Index("ix_prediction_project_latest", "project_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    result: Mapped[list] = mapped_column(JSONType, default=list)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    model_version: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Review(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotation.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[ReviewAction] = mapped_column(enum_column(ReviewAction))
    comment: Mapped[str] = mapped_column(Text, default="")
    # Fix and accept keeps the original result here and stores the fix on the annotation.
    previous_result: Mapped[list | None] = mapped_column(JSONType, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer: Mapped[User | None] = relationship()


class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    annotation_id: Mapped[int | None] = mapped_column(ForeignKey("annotation.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    is_resolved: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
