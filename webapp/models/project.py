"""Project: every setting of the guide as a typed column with the guide's default."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import JSONType, enum_column, utcnow
from webapp.models.enums import (
    DEFAULT_AGREEMENT_METRICS,
    Distribution,
    LowAgreementStrategy,
    ProjectRole,
    RejectOption,
    ReviewedWhen,
    Sampling,
    SkipQueue,
)
from webapp.models.organization import User, Workspace

DEFAULT_COLOR = "#6366f1"
MAX_RESERVATION_MINUTES = 1440


class Project(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # General (GEN-1)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(16), default=DEFAULT_COLOR)
    proxy_username: Mapped[str] = mapped_column(String(200), default="")
    proxy_password_encrypted: Mapped[str] = mapped_column(Text, default="")

    # Labeling interface (LBL-1); labels_in_use is the cache Reset cache recomputes (DZ-1)
    label_config: Mapped[str] = mapped_column(Text, default="")
    labels_in_use: Mapped[dict] = mapped_column(JSONType, default=dict)

    # Counters kept by the writers under the project row lock (webapp/queue/counters.py)
    task_count: Mapped[int] = mapped_column(default=0, server_default="0")
    finished_task_count: Mapped[int] = mapped_column(default=0, server_default="0")
    annotation_count: Mapped[int] = mapped_column(default=0, server_default="0")

    # Annotation: instructions (ANN-1), distribution and reservation (ANN-2, ANN-3)
    expert_instruction: Mapped[str] = mapped_column(Text, default="")
    show_instruction: Mapped[bool] = mapped_column(default=False)
    distribution: Mapped[Distribution] = mapped_column(
        enum_column(Distribution), default=Distribution.AUTO
    )
    reservation_minutes: Mapped[int] = mapped_column(default=MAX_RESERVATION_MINUTES)
    skip_queue: Mapped[SkipQueue] = mapped_column(
        enum_column(SkipQueue), default=SkipQueue.REQUEUE_FOR_OTHERS
    )
    # Annotating options (OPT-1..5)
    show_skip_button: Mapped[bool] = mapped_column(default=True)
    enable_empty_annotation: Mapped[bool] = mapped_column(default=True)
    show_data_manager_to_annotators: Mapped[bool] = mapped_column(default=False)
    reveal_preannotations_interactively: Mapped[bool] = mapped_column(default=False)
    require_comment_on_skip: Mapped[bool] = mapped_column(default=False)
    # Live predictions (LIVE-1): "model:<id>" or "version:<model_version>"; empty = none
    live_predictions_source: Mapped[str] = mapped_column(String(300), default="")
    sampling: Mapped[Sampling] = mapped_column(enum_column(Sampling), default=Sampling.SEQUENTIAL)

    # Review (REV-1..8)
    review_instruction: Mapped[str] = mapped_column(Text, default="")
    show_review_instruction: Mapped[bool] = mapped_column(default=False)
    reviewed_when: Mapped[ReviewedWhen] = mapped_column(
        enum_column(ReviewedWhen), default=ReviewedWhen.ONE_ACCEPTED
    )
    reject_option: Mapped[RejectOption] = mapped_column(
        enum_column(RejectOption), default=RejectOption.REQUEUE
    )
    review_only_assigned: Mapped[bool] = mapped_column(default=False)
    review_only_finished: Mapped[bool] = mapped_column(default=False)
    show_data_manager_to_reviewers: Mapped[bool] = mapped_column(default=True)
    require_comment_on_reject: Mapped[bool] = mapped_column(default=False)
    show_agreement_to_reviewers: Mapped[bool] = mapped_column(default=False)

    # Quality (QA-1..5)
    annotations_per_task_minimum: Mapped[int] = mapped_column(default=1)
    overlap_percentage: Mapped[int] = mapped_column(default=100)
    show_overlap_first: Mapped[bool] = mapped_column(default=False)
    show_ground_truth_first: Mapped[bool] = mapped_column(default=False)
    agreement_metrics: Mapped[dict] = mapped_column(
        JSONType, default=lambda: dict(DEFAULT_AGREEMENT_METRICS)
    )
    span_iou_threshold: Mapped[float] = mapped_column(Float, default=0.5)
    low_agreement_strategy: Mapped[LowAgreementStrategy] = mapped_column(
        enum_column(LowAgreementStrategy, 40), default=LowAgreementStrategy.DO_NOTHING
    )
    agreement_threshold: Mapped[int] = mapped_column(default=80)
    max_additional_annotators: Mapped[int | None] = mapped_column(default=None)
    label_weights: Mapped[dict] = mapped_column(JSONType, default=dict)

    # Model (ML-2)
    start_training_on_annotation_update: Mapped[bool] = mapped_column(default=False)

    workspace: Mapped[Workspace] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def uses_reservations(self) -> bool:
        """Reservations exist only in Auto mode (ANN-3)."""
        return self.distribution is Distribution.AUTO


class ProjectMember(db.Model):
    """Explicit membership; `role` overrides an Annotator/Reviewer org role (MEM-1)."""

    __table_args__ = (UniqueConstraint("project_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[ProjectRole | None] = mapped_column(enum_column(ProjectRole), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
