"""Flask-Login loaders: a browser session, or `Authorization: Token <key>` for scripts."""
from __future__ import annotations

from flask import Request, current_app, request
from flask_login import current_user
from sqlalchemy import select

from webapp.extensions import db, login_manager
from webapp.logins import user_of_login
from webapp.models import User


@login_manager.user_loader
def load_user(login_token: str) -> User | None:
    # The session and remember cookies carry a login's token, not the user id (webapp/logins.py).
    return user_of_login(db.session, login_token, current_app.config["REMEMBER_COOKIE_DURATION"])


@login_manager.request_loader
def load_user_from_token(request: Request) -> User | None:
    return token_user(request)


def token_user(request: Request) -> User | None:
    """The active user whose API token the `Authorization` header carries, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() not in ("token", "bearer") or not key.strip():
        return None
    user = db.session.scalar(select(User).where(User.api_token == key.strip()))
    return user if user is not None and user.is_active else None


def authenticated_by_token() -> bool:
    """Whether the current user is the one a valid API token names. Only then may a write
    skip the CSRF check: any other header (empty, Basic, a wrong token) beside a session
    cookie leaves a cookie-authenticated request, which a hostile page can forge."""
    user = token_user(request)
    return user is not None and user.id == current_user.id
