"""Issue 13 point 7, unit level: SQLite writers wait for the lock instead of failing, a
locked or disconnected request is retried once (or answers 503), long actions commit in
batches, and the 500 page renders styled after a failed flush."""
from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import event, select
from sqlalchemy.exc import DBAPIError, OperationalError

from tests.factories import Factory, csrf_token, login
from webapp.data_manager import get_action
from webapp.db_retry import READ_ATTEMPTS
from webapp.dbutil import WRITE_BATCH
from webapp.extensions import db
from webapp.models import DataManagerTab, OrgRole, Project, Task, User


def _locked_error() -> OperationalError:
    orig = sqlite3.OperationalError("database is locked")
    orig.sqlite_errorcode = sqlite3.SQLITE_BUSY
    return OperationalError("BEGIN IMMEDIATE", {}, orig)


def _dropped_error() -> DBAPIError:
    return OperationalError("SELECT 1", {}, Exception("terminating connection"), connection_invalidated=True)


def _flaky_route(app, path: str, methods: list[str], error, fail_times: int, write: bool = False) -> list[int]:
    """A route that raises `error` on its first `fail_times` calls; returns the call log."""
    calls: list[int] = []

    def view():
        calls.append(1)
        if write:  # a committed write before the failure: replaying would do it twice
            Factory(db.session).user(email=f"write{len(calls)}@example.org")  # commits
        if len(calls) <= fail_times:
            raise error
        return "done"

    app.add_url_rule(path, path.strip("/"), view, methods=methods)
    return calls


def test_500_page_after_failed_flush_is_styled_with_the_user__issue_13_point_7(sqlite_app):
    """Before: no 500 handler, the session left in a failed flush (PendingRollbackError for
    current_user): Werkzeug's bare page. Now: rolled back, the app's page, user in header."""
    factory = Factory(db.session)
    user = factory.user(OrgRole.MANAGER)

    def failing_flush():
        db.session.add(User(email=user.email, password_hash="x", org_role=OrgRole.ANNOTATOR))
        db.session.flush()  # IntegrityError (no organization, email taken)
        return "unreachable"

    sqlite_app.add_url_rule("/boom", "boom", failing_flush)
    client = sqlite_app.test_client()
    login(client, user)
    db.session.remove()
    response = client.get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Error 500" in html and 'rel="stylesheet"' in html
    assert user.email.split("@")[0] in html or "Account and API token" in html


def test_locked_request_is_retried_once_then_succeeds__issue_13_point_7(sqlite_app):
    calls = _flaky_route(sqlite_app, "/flaky-locked", ["GET"], _locked_error(), fail_times=1)
    response = sqlite_app.test_client().get("/flaky-locked")
    assert (response.status_code, response.get_data(as_text=True), len(calls)) == (200, "done", 2)


def test_locked_twice_answers_503_with_a_clear_message__issue_13_point_7(sqlite_app):
    calls = _flaky_route(sqlite_app, "/always-locked", ["GET"], _locked_error(), fail_times=2)
    response = sqlite_app.test_client().get("/always-locked", headers={"Accept": "application/json"})
    assert response.status_code == 503 and len(calls) == 2
    assert "busy" in response.get_json()["detail"] and response.headers["Retry-After"] == "1"


def test_locked_after_a_committed_write_is_not_replayed__issue_13_point_7(sqlite_app):
    calls = _flaky_route(sqlite_app, "/wrote-then-locked", ["POST"], _locked_error(), fail_times=1, write=True)
    sqlite_app.config["WTF_CSRF_ENABLED"] = False
    response = sqlite_app.test_client().post("/wrote-then-locked")
    assert response.status_code == 503 and len(calls) == 1
    assert db.session.scalars(select(User.email)).all() == ["write1@example.org"]  # done once


def test_dropped_connection_retries_a_get_but_not_a_post__issue_13_point_7(sqlite_app):
    sqlite_app.config["WTF_CSRF_ENABLED"] = False
    get_calls = _flaky_route(sqlite_app, "/dropped-get", ["GET"], _dropped_error(), fail_times=1)
    post_calls = _flaky_route(sqlite_app, "/dropped-post", ["POST"], _dropped_error(), fail_times=1)
    client = sqlite_app.test_client()
    assert client.get("/dropped-get").status_code == 200 and len(get_calls) == 2
    response = client.post("/dropped-post")
    assert response.status_code == 503 and len(post_calls) == 1
    assert "may not have been saved" in response.get_data(as_text=True)


def test_a_get_dropped_again_is_retried_up_to_three_attempts_then_503__issue_13_point_7(sqlite_app):
    """A failover can drop the fresh connection too: reads get READ_ATTEMPTS, then a 503."""
    twice = _flaky_route(sqlite_app, "/dropped-twice", ["GET"], _dropped_error(), fail_times=2)
    always = _flaky_route(sqlite_app, "/dropped-always", ["GET"], _dropped_error(), fail_times=99)
    client = sqlite_app.test_client()
    assert client.get("/dropped-twice").status_code == 200 and len(twice) == 3
    assert client.get("/dropped-always").status_code == 503 and len(always) == READ_ATTEMPTS


def test_sqlite_write_waits_for_a_held_lock_then_succeeds__issue_13_point_7(sqlite_app):
    """A second connection holds BEGIN IMMEDIATE and commits a write when released; the
    "Save as tab" POST meanwhile waits (BEGIN IMMEDIATE, busy_timeout) and then succeeds.
    Before: its deferred transaction read first, then could not upgrade: 500 locked."""
    factory = Factory(db.session)
    project = factory.project()
    owner = project.created_by
    client = sqlite_app.test_client()
    login(client, owner)
    token = csrf_token(client, f"/projects/{project.id}/data")
    project_id = project.id
    db.session.remove()

    holder = sqlite3.connect(db.engine.url.database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    started, finished = threading.Event(), threading.Event()
    outcome: list[int] = []

    def note_start(conn, *_):
        if threading.current_thread().name == "saver":
            started.set()

    event.listen(db.engine, "before_cursor_execute", note_start)

    def save():
        outcome.append(client.post(f"/projects/{project_id}/data/tabs",
                                   data={"title": "while locked", "csrf_token": token}).status_code)
        finished.set()

    saver = threading.Thread(target=save, name="saver")
    saver.start()
    try:
        assert started.wait(30)
        assert not finished.wait(0.5)  # it cannot finish while the lock is held: it waits
    finally:
        holder.execute(f"UPDATE {Project.__tablename__} SET title = 'renamed meanwhile'")
        holder.execute("COMMIT")
        holder.close()
    saver.join(30)
    event.remove(db.engine, "before_cursor_execute", note_start)
    assert outcome == [302]
    assert db.session.scalars(select(DataManagerTab.title)).all() == ["while locked"]


def test_bulk_delete_commits_in_batches__issue_13_point_7(sqlite_app):
    """Deleting more than WRITE_BATCH tasks: one transaction per batch, so SQLite's write
    lock is released between them. Before: one transaction for the whole selection."""
    factory = Factory(db.session)
    project = factory.project()
    total = 2 * WRITE_BATCH + 50
    ids = [t.id for t in factory.tasks(project, [f"t{i}" for i in range(total)])]
    deleted_per_commit: list[int] = []
    pending = [0]

    def count_deletes(conn, cursor, statement, parameters, *_):
        if statement.startswith(f"DELETE FROM {Task.__tablename__} "):
            pending[0] += len(parameters) - 1  # the ids, besides the project id

    def on_commit(conn):
        if pending[0]:
            deleted_per_commit.append(pending[0])
            pending[0] = 0

    event.listen(db.engine, "after_cursor_execute", count_deletes)
    event.listen(db.engine, "commit", on_commit)
    try:
        message = get_action("delete").run(db.session, project, project.created_by, ids)
    finally:
        event.remove(db.engine, "after_cursor_execute", count_deletes)
        event.remove(db.engine, "commit", on_commit)
    assert message == f"Deleted {total} tasks."
    assert deleted_per_commit == [WRITE_BATCH, WRITE_BATCH, 50]
    assert db.session.scalar(select(Task.id).where(Task.project_id == project.id)) is None
