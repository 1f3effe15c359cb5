"""Saved Data Manager tabs (DM-1); Danger zone's Drop all tabs deletes them (DZ-2)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models._types import JSONType


class DataManagerTab(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), default="Default")
    filters: Mapped[dict] = mapped_column(JSONType, default=dict)
    ordering: Mapped[list] = mapped_column(JSONType, default=list)
    columns: Mapped[list] = mapped_column(JSONType, default=list)
