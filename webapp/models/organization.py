"""Organization, users and workspaces (with each user's personal Sandbox, GEN-2)."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.models._types import enum_column, utcnow
from webapp.models.enums import OrgRole


def new_api_token() -> str:
    return secrets.token_hex(20)


class Organization(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(UserMixin, db.Model):
    # The token of the login being started or served (webapp/logins.py); not a column.
    login_token = None

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    org_role: Mapped[OrgRole] = mapped_column(enum_column(OrgRole), default=OrgRole.ANNOTATOR)
    api_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_api_token)
    is_active_user: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_user

    def get_id(self) -> str | None:
        """Flask-Login's alternative id: the session and remember cookies carry this login's
        token, not the user id, so deleting the login row revokes both (webapp/logins.py)."""
        return self.login_token

    def __eq__(self, other: object) -> bool:
        # UserMixin compares get_id(), which is now per login: compare the row instead.
        return self.id == other.id if isinstance(other, User) else NotImplemented

    __hash__ = object.__hash__

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_api_token(self) -> str:
        self.api_token = new_api_token()
        return self.api_token


class UserLogin(db.Model):
    """One signed-in browser; only a hash of its token is kept, so a database leak is no login."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Workspace(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # A personal Sandbox belongs to one user; only that user sees its projects (GEN-2).
    sandbox_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox_owner_id is not None


class WorkspaceMember(db.Model):
    """Workspace members inherit membership of the workspace's projects (MEM-2)."""

    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
