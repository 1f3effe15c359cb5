"""Reservations (ANN-3..6): held from open until expiry, submit, or a releasing skip."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, and_, delete, exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from webapp.models import Project, Reservation


def live_reservations_of_others(task_id_col, user_id: int, now: datetime):
    """Scalar subquery: live reservations on a task held by anyone but `user_id` (ANN-6)."""
    return (
        select(func.count(Reservation.id))
        .where(
            Reservation.task_id == task_id_col,
            Reservation.user_id != user_id,
            Reservation.expires_at > now,
        )
        .correlate_except(Reservation)  # the outer query may join the caller's own reservation
        .scalar_subquery()
    )


def reserve(
    session: Session, project: Project, task_id: int, user_id: int, now: datetime,
    only_if: Select | None = None,
) -> bool:
    """Create or renew the user's reservation on the task in one upsert statement.

    With `only_if` the row is written only while that query still finds the task, read
    in the upsert's own snapshot: PostgreSQL's re-check after the row lock (ANN-5) costs
    no extra round trip. Returns whether the reservation was written.
    """
    expires_at = now + timedelta(minutes=project.reservation_minutes)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    if only_if is None:
        stmt = insert(Reservation).values(task_id=task_id, user_id=user_id, expires_at=expires_at)
    else:
        row = select(literal(task_id), literal(user_id), literal(expires_at, Reservation.expires_at.type))
        stmt = insert(Reservation).from_select(
            ["task_id", "user_id", "expires_at"], row.where(exists(only_if))
        )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Reservation.task_id, Reservation.user_id],
        set_={"expires_at": expires_at},
    )
    return session.scalar(stmt.returning(Reservation.id)) is not None


def end_reservation(session: Session, task_id: int, user_id: int) -> None:
    session.execute(
        delete(Reservation).where(
            and_(Reservation.task_id == task_id, Reservation.user_id == user_id)
        )
    )


def sweep_expired_reservations(session: Session, now: datetime) -> int:
    """Delete expired reservations; reads already ignore them, this only tidies (ANN-6)."""
    result = session.execute(delete(Reservation).where(Reservation.expires_at <= now))
    session.commit()
    return result.rowcount or 0
