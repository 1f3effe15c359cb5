"""Database helpers the domain modules share: short write transactions on both stores."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Project

T = TypeVar("T")

# Rows a long action (bulk action, autolabel pass, big delete) writes per transaction. Each
# batch commits on its own, so no transaction holds SQLite's single write lock for more
# than a fraction of a second and other requests interleave (bench/lock_hold.py measures it).
WRITE_BATCH = 50
SQLITE_BATCH_PAUSE = 0.1  # seconds; see batches()

# Execution option read by the SQLite "begin" listener in webapp/db_engine.py.
WRITE_TRANSACTION_OPTION = "quorum_write_transaction"


def begin_write(session: Session, durable: bool = True) -> None:
    """End any open transaction and start one that holds the write lock from its start.

    SQLite: BEGIN IMMEDIATE, so two writers never both read the same state and then race.
    PostgreSQL: an ordinary transaction; callers lock rows with SELECT ... FOR UPDATE. A transaction
    that is not `durable` commits without waiting for the WAL flush (synchronous_commit
    off): only a database crash in the next fraction of a second can lose it, and it stays
    atomic and ordered; for writes as cheap to redo as a reservation.
    """
    session.commit()  # a no-op when no transaction is open
    connection = session.connection(execution_options={WRITE_TRANSACTION_OPTION: True})
    if not durable and connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def batches(session: Session, items: list[T], size: int = WRITE_BATCH) -> Iterator[list[T]]:
    """`items` in slices of `size`; the caller commits each. On SQLite the loop steps back
    SQLITE_BATCH_PAUSE between two slices: requests waiting for the lock poll for it (every
    100 ms at most, in no order), and a loop that took it again at once would starve them."""
    for start in range(0, len(items), size):
        if start and not is_postgres(session):
            time.sleep(SQLITE_BATCH_PAUSE)
        yield items[start:start + size]


def lock_project(session: Session, project_id: int) -> Project | None:
    """A write transaction holding the project row: the lock every writer takes first
    (project, then tasks), so its counters and caches change on fresh values."""
    begin_write(session)
    return session.scalar(select(Project).where(Project.id == project_id).with_for_update())


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
