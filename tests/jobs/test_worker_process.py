"""Issue 14 point 5: `flask worker` runs the background and scheduled jobs; in worker mode the
web processes only enqueue. The processes are started from the Procfile's own lines, on this
test session's database, so the deployment the README shows is the one tested."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.factories import csrf_token, login
from webapp import create_app
from webapp.config import BackgroundMode, TestConfig
from webapp.extensions import db, scheduler
from webapp.jobs import start_scheduler_when_serving
from webapp.models.ml import BackgroundJob, JobStatus

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 120  # training the tiny model takes seconds; a bound, not a wait


def procfile_command(name: str) -> str:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith(f"{name}:"))


def start_procfile_process(name: str, app, **env: str) -> subprocess.Popen:
    """The Procfile line `name` in a shell, as honcho or a platform would run it."""
    environ = {
        **os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "QUORUM_BACKGROUND": "worker",
        "SECRET_KEY": secrets.token_urlsafe(48), "QUORUM_ENCRYPTION_KEYS": TestConfig.QUORUM_ENCRYPTION_KEYS,
        "FLASK_DEBUG": "0", **env,
    }
    return subprocess.Popen(["/bin/sh", "-c", f"exec {procfile_command(name)}"], cwd=ROOT, env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> str:
    """SIGTERM, then the process's exit status must be 0 (a clean shutdown); returns its output."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


def wait_until(check, what: str, process: subprocess.Popen):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what}: the process exited\n{process.communicate()[0]}"
        result = check()
        if result:
            return result
        time.sleep(0.2)  # polling interval of a bounded wait, not a timing assumption
    raise AssertionError(f"{what}: not within {DEADLINE_S} s")


@pytest.fixture
def manager_client(client, session, tiny):
    login(client, session.get(type(tiny.user), tiny.project.created_by_id))
    client.token = csrf_token(client, "/")
    return client


def test_issue_14_point_5_flask_worker_trains_a_model_enqueued_by_the_web_app(session, manager_client, tiny):
    """The web app (test client, in-process mode with no scheduler) only enqueues; the Procfile's
    worker process trains the model, then stops cleanly on SIGTERM."""
    job = manager_client.post(f"/api/ml/{tiny.model.id}/train",
                              headers={"X-CSRFToken": manager_client.token}).get_json()
    assert job["status"] == "pending"
    worker = start_procfile_process("worker", manager_client.application)
    try:
        def finished():
            session.expire_all()
            status = session.get(BackgroundJob, job["id"]).status
            session.rollback()  # end the read, so SQLite's writer is never kept waiting
            return status if status in (JobStatus.DONE, JobStatus.FAILED) else None

        assert wait_until(finished, "the training job", worker) is JobStatus.DONE
    finally:
        output = stop(worker)
    assert "Worker stopped." in output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_issue_14_point_5_procfile_web_serves_in_worker_mode(app, session):
    """The Procfile's web line (gunicorn, two workers) starts and answers."""
    port = _free_port()
    web = start_procfile_process("web", app, PORT=str(port))

    def login_page():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                return r.status
        except OSError:
            return None

    try:
        assert wait_until(login_page, "the web process", web) == 200
    finally:
        stop(web)


def _serving_app(app, mode: BackgroundMode):
    """A serving process's app (gunicorn imports wsgi.py outside any click command)."""
    config = type("ServingConfig", (TestConfig,), {
        "SCHEDULER_ENABLED": True, "QUORUM_BACKGROUND": mode,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    return create_app(config)


def test_issue_14_point_5_web_process_in_worker_mode_starts_no_scheduler(app, session):
    served = _serving_app(app, BackgroundMode.WORKER)
    try:
        assert not scheduler.running
        start_scheduler_when_serving(served)  # what create_app did: still nothing
        assert not scheduler.running
    finally:
        with served.app_context():
            db.engine.dispose()


def test_issue_14_point_5_web_process_in_process_mode_runs_the_scheduler(app, session):
    """The contrast: `make run` keeps running the jobs in the serving process."""
    served = _serving_app(app, BackgroundMode.INPROCESS)
    try:
        assert scheduler.running
        assert {j.id for j in scheduler.get_jobs()} >= {"background_jobs", "deliver_webhooks"}
    finally:
        scheduler.shutdown(wait=True)
        scheduler.remove_all_jobs()
        with served.app_context():
            db.engine.dispose()
