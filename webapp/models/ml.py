"""Model connections, their trained versions, autolabel settings and one-off background jobs."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models._types import JSONType, enum_column, utcnow


class ModelKind(str, Enum):
    BUILTIN = "builtin"  # ML-4: trained in-process, no URL
    ML_BACKEND = "ml_backend"  # Label Studio ML-backend protocol (ML-1)
    OPENAI_CHAT = "openai_chat"  # OpenAI-compatible chat endpoint


class JobStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MLModel(db.Model):
    """A model connection of a project (the Model tab lists these)."""

    __tablename__ = "ml_model"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ModelKind] = mapped_column(enum_column(ModelKind), default=ModelKind.BUILTIN)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    auth_method: Mapped[str] = mapped_column(String(16), default="none")  # none | basic | token
    basic_auth_user: Mapped[str] = mapped_column(String(200), default="")
    auth_secret_encrypted: Mapped[str] = mapped_column(Text, default="")  # webapp.secret_box
    extra_params: Mapped[dict] = mapped_column(JSONType, default=dict)
    interactive_preannotations: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModelVersion(db.Model):
    """One training run: its version string names the prediction set it writes."""

    __tablename__ = "model_version"
    # Unique per model: two projects' backends may both answer "INITIAL".
    __table_args__ = (UniqueConstraint("model_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("ml_model.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(200), index=True)
    metrics: Mapped[dict] = mapped_column(JSONType, default=dict)
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    artefact: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)  # pickled estimators


class AutolabelSettings(db.Model):
    """AL-1 per project: auto-accept confident predictions, audit a random share."""

    __tablename__ = "autolabel_settings"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    threshold: Mapped[float] = mapped_column(Float, default=0.9)
    audit_fraction: Mapped[float] = mapped_column(Float, default=0.1)
    accuracy_floor: Mapped[float] = mapped_column(Float, default=0.9)


class AutolabelState(str, Enum):
    AUTO = "auto"  # accepted from the model's prediction
    AUDIT = "audit"  # sent to annotators, blind, to measure the model


class AutolabelDecision(db.Model):
    """AL-1: what autolabeling decided for a task, once; read by project without a scan."""

    __tablename__ = "autolabel_decision"
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    state: Mapped[AutolabelState] = mapped_column(enum_column(AutolabelState))
    prediction_id: Mapped[int] = mapped_column(ForeignKey("prediction.id", ondelete="CASCADE"))


class BackgroundJob(db.Model):
    """A one-off job (train, predict, autolabel) claimed atomically by one worker."""

    __tablename__ = "background_job"
    __table_args__ = (Index("ix_background_job_pending", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.PENDING)
    # Set only while pending: a unique key makes "at most one pending job per key" race-free.
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    # The running worker's sign of life (claim, report_progress); a stale one is retried.
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # claims so far (webapp.ml.jobs)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # Not a column: the attempt this process claimed (webapp.ml.jobs.claim_next), its fencing
    # token. `attempts` cannot serve: a reload shows another worker's later claim.
    claimed_attempt = None

    @property
    def is_running(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)
