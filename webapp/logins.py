"""Logins: a password check that does not reveal whether an account exists, and one
server-side row per signed-in browser, so logout and a password change revoke its cookies.

Flask-Login keeps `User.get_id()` in the session cookie and the remember cookie. That id is
the random token of one login (Flask-Login's "alternative id" pattern): a copied cookie dies
with its row, and every login gets a new remember cookie.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.models import User, UserLogin
from webapp.models._types import utcnow


@cache
def _dummy_hash() -> str:
    """A hash made like real ones (same method and cost), checked for unknown emails so
    that they answer as slowly as a wrong password: no user enumeration by timing."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password; every path runs one password check."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def _digest(token: str) -> str:
    # Tokens are 256 random bits: a fast hash suffices, unlike for passwords.
    return hashlib.sha256(token.encode()).hexdigest()


def start_login(session: Session, user: User, lifetime: timedelta) -> None:
    """Open a login and make its token the id Flask-Login stores; drop the user's expired ones."""
    session.execute(
        delete(UserLogin).where(UserLogin.user_id == user.id, UserLogin.created_at < utcnow() - lifetime)
    )
    token = secrets.token_urlsafe(32)
    session.add(UserLogin(user_id=user.id, token_hash=_digest(token)))
    user.login_token = token


def user_of_login(session: Session, token: str, lifetime: timedelta) -> User | None:
    """The active user of a live login, or None for a revoked, expired or forged token."""
    user = session.scalar(
        select(User).join(UserLogin).where(
            UserLogin.token_hash == _digest(token), UserLogin.created_at >= utcnow() - lifetime
        )
    )
    if user is None or not user.is_active:
        return None
    user.login_token = token
    return user


def end_login(session: Session, token: str) -> None:
    session.execute(delete(UserLogin).where(UserLogin.token_hash == _digest(token)))


def end_all_logins(session: Session, user: User) -> None:
    """Sign the user out everywhere (password change): every session and remember cookie."""
    session.execute(delete(UserLogin).where(UserLogin.user_id == user.id))
