"""Who an imported annotation belongs to (issue 16 point 6).

Label Studio's exports name each annotation's author in `completed_by` and each draft's in
`user`: a user id, an email, or an object with `id` and `email`. An import keeps that author
when the person is a user of the importer's organisation (by email first: ids of another
instance name other people); otherwise an annotation goes to the importer, as before, and a
draft is dropped (see importers.py).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from webapp.io.errors import TaskImportError
from webapp.models import User

AuthorRef = int | str | None  # a user id, an email, or nobody named


def author_ref(where: str, raw: dict, key: str = "completed_by") -> AuthorRef:
    value = raw.get(key)
    if isinstance(value, dict):
        email, user_id = value.get("email"), value.get("id")
        value = email if isinstance(email, str) and email else user_id
    if isinstance(value, str) and "@" in value:  # an email; a bare name is not a reference
        return value.strip().lower()
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise TaskImportError(f"{where}: {key} must be a user id, an email or an object with id or email.")


def resolve_authors(session: Session, organization_id: int, refs: Iterable[AuthorRef]) -> dict[AuthorRef, int]:
    """The user id each reference names in the organisation; unknown ones are left out."""
    ids = {r for r in refs if isinstance(r, int)}
    emails = {r for r in refs if isinstance(r, str)}
    if not ids and not emails:
        return {}
    found: dict[AuthorRef, int] = {}
    rows = session.execute(select(User.id, User.email).where(
        User.organization_id == organization_id, or_(User.id.in_(ids), User.email.in_(emails))))
    for user_id, email in rows:
        if user_id in ids:
            found[user_id] = user_id
        if email.lower() in emails:
            found[email.lower()] = user_id
    return found
