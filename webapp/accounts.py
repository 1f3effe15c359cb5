"""Users, organisations and each user's personal Sandbox workspace (GEN-2)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.logins import end_all_logins
from webapp.input_limits import control_characters
from webapp.models import OrgRole, Organization, User, Workspace

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    pass


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


def default_organization(session: Session) -> Organization:
    org = session.scalar(select(Organization).order_by(Organization.id).limit(1))
    if org is None:
        org = Organization(title="Quorum")
        session.add(org)
        session.flush()
    return org


def create_user(
    session: Session,
    email: str,
    password: str,
    role: OrgRole,
    organization: Organization | None = None,
    name: str = "",
) -> User:
    """Create a user and their Sandbox; refuse a bad email, short password or duplicate."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"'{email}' is not a valid email address.")
    _check_password(password)
    if problem := control_characters(name):
        raise AccountError(f"The name {problem}.")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"A user with email '{email}' already exists.")
    org = organization or default_organization(session)
    user = User(email=email, name=name, org_role=role, organization_id=org.id)
    user.set_password(password)
    session.add(user)
    session.flush()
    session.add(Workspace(organization_id=org.id, title="Sandbox", sandbox_owner_id=user.id))
    session.flush()
    return user


def sandbox_of(session: Session, user: User) -> Workspace:
    return session.scalars(select(Workspace).where(Workspace.sandbox_owner_id == user.id)).one()


def shared_workspaces(session: Session, organization_id: int) -> list[Workspace]:
    return list(
        session.scalars(
            select(Workspace)
            .where(
                Workspace.organization_id == organization_id,
                Workspace.sandbox_owner_id.is_(None),
            )
            .order_by(Workspace.title)
        )
    )


def get_or_create_workspace(session: Session, organization_id: int, title: str) -> Workspace:
    ws = session.scalar(
        select(Workspace).where(
            Workspace.organization_id == organization_id,
            Workspace.title == title,
            Workspace.sandbox_owner_id.is_(None),
        )
    )
    if ws is None:
        ws = Workspace(organization_id=organization_id, title=title)
        session.add(ws)
        session.flush()
    return ws


def change_password(session: Session, user: User, password: str) -> None:
    """Set a new password and end every login of the user: a thief's cookies die with it."""
    _check_password(password)
    user.set_password(password)
    end_all_logins(session, user)
