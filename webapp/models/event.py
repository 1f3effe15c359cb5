"""Project history: PROJECT_UPDATED events (who, when, which fields), read by the
General settings history and, later, delivered by webhooks (WH-1)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import JSONType, utcnow
from webapp.models.organization import User

PROJECT_UPDATED = "PROJECT_UPDATED"


class ProjectEvent(db.Model):
    __table_args__ = (Index("ix_project_event_project_created", "project_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    event: Mapped[str] = mapped_column(String(40), default=PROJECT_UPDATED)
    fields: Mapped[list] = mapped_column(JSONType, default=list)  # API names of the changed settings
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
