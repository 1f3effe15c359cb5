"""One retry of a request that failed on the database, or a clear 503.

Two failures are worth a second attempt:
- SQLite "database is locked": BEGIN IMMEDIATE waited busy_timeout for the writer. The
  request is replayed (its transactions then all BEGIN IMMEDIATE) unless it had already
  committed a write, which a replay could do twice.
- A dropped connection (PostgreSQL restarted, pg_terminate_backend, a network cut): the
  pool is invalidated by SQLAlchemy and pre-ping vets the next checkout. Only idempotent
  requests (GET, HEAD, OPTIONS) are replayed, up to READ_ATTEMPTS in all (a restart or a
  failover can drop the fresh connection too, and a read costs nothing to repeat): a write
  that failed at COMMIT may or may not have been stored, so it answers 503 and the client
  decides.
Anything else keeps its usual error page; a fault that outlasts the attempts answers 503.
"""
from __future__ import annotations

import enum
import logging
import sqlite3

from flask import Flask, Response, g, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import ServiceUnavailable

from webapp.db_engine import COMMITTED_FLAG, RETRYING_FLAG, SAFE_METHODS
from webapp.extensions import db

log = logging.getLogger(__name__)

BUSY_MESSAGE = "The database is busy; nothing was saved. Please try again in a moment."
DROPPED_WRITE_MESSAGE = ("The connection to the database was lost; this change may not have been saved. "
                         "Reload the page to check before you try again.")
DROPPED_READ_MESSAGE = "The connection to the database was lost. Please reload the page."
RETRY_AFTER_SECONDS = 1
READ_ATTEMPTS = 3  # an idempotent request on dropped connections; a locked SQLite write gets 2


class Verdict(enum.Enum):
    RETRY = "retry"
    UNAVAILABLE = "unavailable"
    ERROR = "error"  # not a database fault we can help with: the 500 page


def is_locked(exc: BaseException) -> bool:
    """SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, BUSY_TIMEOUT...)."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return isinstance(exc, OperationalError) and code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


def is_disconnect(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def verdict(exc: BaseException, method: str, committed: bool, attempt: int) -> Verdict:
    """What to do after `attempt` (1, 2, ...) failed with `exc`."""
    if is_locked(exc):
        return Verdict.RETRY if attempt == 1 and not committed else Verdict.UNAVAILABLE
    if is_disconnect(exc):
        return Verdict.RETRY if attempt < READ_ATTEMPTS and method in SAFE_METHODS else Verdict.UNAVAILABLE
    return Verdict.ERROR


def message_for(exc: BaseException, method: str) -> str:
    if is_locked(exc):
        return BUSY_MESSAGE
    return DROPPED_WRITE_MESSAGE if method not in SAFE_METHODS else DROPPED_READ_MESSAGE


class RetryingFlask(Flask):
    """Flask whose request dispatch (before-request hooks, view, after-request hooks) runs
    a second time after a retryable database failure; see the module docstring."""

    def full_dispatch_request(self) -> Response:
        attempt = 1
        while True:
            try:
                return super().full_dispatch_request()
            except DBAPIError as exc:
                outcome, message = self._judge(exc, attempt)
            if outcome is not Verdict.RETRY:
                return self._unavailable(message)
            setattr(g, RETRYING_FLAG, True)
            attempt += 1

    def handle_user_exception(self, e: Exception):
        """Let the database faults above reach full_dispatch_request, past blueprint
        handlers for Exception (the API's JSON 500)."""
        if is_locked(e) or is_disconnect(e):
            raise e
        return super().handle_user_exception(e)

    def _judge(self, exc: DBAPIError, attempt: int) -> tuple[Verdict, str]:
        """Roll back, and re-raise (to the 500 page) what a retry cannot fix."""
        outcome = verdict(exc, request.method, g.get(COMMITTED_FLAG, False), attempt)
        if outcome is Verdict.ERROR:
            raise exc
        log.warning("%s %s: %s (%s)", request.method, request.path, exc.orig, outcome.value)
        db.session.rollback()
        g.pop("_login_user", None)  # Flask-Login reloads the user in the new transaction
        return outcome, message_for(exc, request.method)

    def _unavailable(self, message: str) -> Response:
        response = self.finalize_request(self.handle_user_exception(ServiceUnavailable(message)))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
