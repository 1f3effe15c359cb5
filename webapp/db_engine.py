"""Engine hooks: SQLite as an embedded database that several processes write safely.

SQLite lets one writer at a time. A transaction that starts with a plain BEGIN and
writes later must upgrade its read lock, and SQLite answers SQLITE_BUSY at once (no
busy_timeout wait) when another connection wrote meanwhile. So every transaction that
may write takes the write lock up front with BEGIN IMMEDIATE, which does wait for
busy_timeout: the ones `dbutil.begin_write` opens, and every transaction of a request
that is not a safe method (POST, PUT, PATCH, DELETE) or that is being retried.

The hooks also note whether a request has committed a write, so the retry in
webapp/db_retry.py only replays a request that left nothing behind.
"""
from __future__ import annotations

import weakref

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from webapp.dbutil import WRITE_TRANSACTION_OPTION
from webapp.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Connections whose open transaction has written (not Connection.info: reading it on a
# connection invalidated by a disconnect raises, and the rollback hook must not).
_WRITERS: weakref.WeakSet[Connection] = weakref.WeakSet()
COMMITTED_FLAG = "quorum_committed_write"  # flask.g: this request committed a write
RETRYING_FLAG = "quorum_retrying"  # flask.g: this request is on a later attempt


def register(app: Flask, engine: Engine) -> None:
    """Attach the hooks to the app's engine (SQLite pragmas only on SQLite)."""
    if engine.dialect.name == "sqlite":
        busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
        event.listen(engine, "connect", lambda dbapi_connection, _record: _sqlite_pragmas(dbapi_connection, busy_ms))
        event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _note_commit)
    event.listen(engine, "rollback", _forget_write)
    # Registered after Flask-SQLAlchemy's teardown, so it runs before it (Flask runs them in reverse).
    app.teardown_appcontext(_close_session)


def _close_session(_exc: BaseException | None) -> None:
    """End the request's transaction. A connection killed after the answer was built makes
    that rollback fail; SQLAlchemy has invalidated it by then, so closing again is clean and
    the answer still goes out (rather than a 500 from the teardown)."""
    try:
        db.session.close()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        db.session.close()


def _sqlite_pragmas(dbapi_connection, busy_ms: int) -> None:
    """WAL lets readers run beside the writer; foreign keys make cascades real."""
    # Let SQLAlchemy emit BEGIN itself, so a write transaction can BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL's recommended level: commits no longer fsync; a power cut may lose the last
    # transactions but never corrupts the database.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # How long BEGIN IMMEDIATE waits for the writer before it (and then the request) fails.
    cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(WRITE_TRANSACTION_OPTION) or writing_request()
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writing_request() -> bool:
    """True inside a request whose transactions should hold the write lock from their start."""
    if not has_request_context():
        return False
    return request.method not in SAFE_METHODS or g.get(RETRYING_FLAG, False)


def _note_write(conn: Connection, _cursor, _statement, _parameters, context, _executemany) -> None:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        _WRITERS.add(conn)


def _note_commit(conn: Connection) -> None:
    if conn in _WRITERS:
        _WRITERS.discard(conn)
        if has_request_context():
            setattr(g, COMMITTED_FLAG, True)


def _forget_write(conn: Connection) -> None:
    _WRITERS.discard(conn)
