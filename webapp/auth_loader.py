"""Flask-Login loaders: a browser session, or `Authorization: Token <key>` for scripts."""
from __future__ import annotations

from flask import Request
from sqlalchemy import select

from webapp.extensions import db, login_manager
from webapp.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@login_manager.request_loader
def load_user_from_token(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() not in ("token", "bearer") or not key.strip():
        return None
    user = db.session.scalar(select(User).where(User.api_token == key.strip()))
    return user if user is not None and user.is_active else None
