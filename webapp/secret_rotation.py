"""`flask secrets rotate`: re-encrypt every stored secret with the first key of
QUORUM_ENCRYPTION_KEYS, so older keys (and the legacy SECRET_KEY-derived one) can be dropped.

Rows go in short batches, each its own transaction, so the rotation never holds the write
lock for long; a row is rewritten only if its ciphertext is still the one read (a secret
changed meanwhile is already under the first key). A secret no configured key opens is
counted and left as it is.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.models import MLModel, Project, Storage, Webhook
from webapp.secret_box import SecretBox, SecretError

# Every encrypted column: a new one must be added here, or rotation would leave it behind.
ENCRYPTED_COLUMNS = (
    (Webhook, "secret_encrypted"),
    (MLModel, "auth_secret_encrypted"),
    (Storage, "secret_encrypted"),  # S3 secret key, Redis password
    (Project, "proxy_password_encrypted"),
)
BATCH_SIZE = 200


@dataclass
class RotationCount:
    table: str
    rotated: int = 0
    current: int = 0  # already under the first key
    unreadable: int = 0


def _batches(session: Session, model, column, size: int) -> Iterator[list]:
    last_id = 0
    while True:
        rows = session.execute(
            select(model.id, column).where(model.id > last_id, column != "").order_by(model.id).limit(size)
        ).all()
        session.rollback()  # end the read transaction: each batch writes in its own
        if not rows:
            return
        yield rows
        last_id = rows[-1][0]


def _rotate_column(session: Session, box: SecretBox, model, name: str, size: int) -> RotationCount:
    column = getattr(model, name)
    count = RotationCount(model.__tablename__)
    for rows in _batches(session, model, column, size):
        begin_write(session)
        for row_id, token in rows:
            if box.is_current(token):
                count.current += 1
                continue
            try:
                fresh = box.rotate(token)
            except SecretError:
                count.unreadable += 1
                continue
            session.execute(update(model).where(model.id == row_id, column == token)
                            .values({name: fresh}).execution_options(synchronize_session=False))
            count.rotated += 1
        session.commit()
    return count


def rotate_secrets(session: Session, box: SecretBox, batch_size: int = BATCH_SIZE) -> list[RotationCount]:
    """Re-encrypt every stored secret with the box's first key; one count per table."""
    return [_rotate_column(session, box, model, name, batch_size) for model, name in ENCRYPTED_COLUMNS]
