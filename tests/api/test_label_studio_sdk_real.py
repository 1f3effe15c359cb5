"""Label Studio's own SDK, label-studio-sdk 2.1.2 from the package registry, runs a
user's script (label_studio_sdk_flow.py) unchanged against a live Quorum (issue 16
points 1, 2 and 6: tasks, predictions, annotations, whoami, users, version,
export_type, export snapshots, webhooks, ml, local import and export storages).

The SDK pins its own dependencies (pydantic, httpx...), so it gets a virtualenv of its
own, built once and reused between runs (under ~/.cache/quorum, or QUORUM_LSSDK_VENV),
as the label-studio-ml test does. A failed install fails the test: it is never skipped.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from sqlalchemy import func, select

from tests.cached_venv import cached_venv
from tests.e2e.conftest import live_server  # noqa: F401 - fixture
from webapp.ml.pipeline import run_pending_jobs
from webapp.models import OrgRole, Prediction, Project, Task
from webapp.models.ml import BackgroundJob

PACKAGES = ["label-studio-sdk==2.1.2"]
VENV = Path(os.environ.get("QUORUM_LSSDK_VENV") or Path.home() / ".cache" / "quorum" / "label-studio-sdk-2.1.2")
SCRIPT = Path(__file__).with_name("label_studio_sdk_flow.py")


def _venv() -> Path:
    return cached_venv(VENV, PACKAGES)


def test_label_studio_sdk_script_runs_unchanged__issue_16_point_1(  # noqa: F811 - live_server
        app, session, factory, live_server, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "QUORUM_LOCAL_FILES_ROOT", str(tmp_path))  # the live server's app
    monkeypatch.setitem(app.config, "QUORUM_EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setitem(app.config, "QUORUM_OUTBOUND_ALLOWLIST", "127.0.0.1")  # webhook and model URLs
    manager = factory.user(OrgRole.MANAGER)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    script = subprocess.Popen([str(_venv() / "bin" / "python"), str(SCRIPT), live_server, manager.api_token,
                               str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
    try:
        asked = script.stdout.readline()  # "SNAPSHOT <id>" once the export snapshot is queued
        if asked.startswith("SNAPSHOT "):
            _run_snapshot_job(session, int(asked.split()[1]), tmp_path / "exports")
        out, err = script.communicate("go\n", timeout=300)
    finally:
        script.kill()  # a no-op once it has exited
    assert script.returncode == 0, (asked + out, err[-4000:])
    summary = json.loads(out.strip().splitlines()[-1])
    session.rollback()  # a fresh snapshot: the server wrote in its own transactions
    project = session.get(Project, summary["project"])
    assert project.title == "SDK flow, renamed" and project.created_by_id == summary["user"] == manager.id
    assert (project.task_count, project.annotation_count, project.finished_task_count) == (0, 0, 0)
    assert session.scalar(select(func.count()).select_from(Task).where(Task.project_id == project.id)) == 0
    assert session.scalar(select(func.count()).select_from(Prediction).where(Prediction.project_id == project.id)) == 0
    assert list((tmp_path / "exports").iterdir()) == []  # the deleted snapshot's file is gone too


def _run_snapshot_job(session, job_id: int, directory) -> None:
    """The scheduler's work, done here: the snapshot's file is written in place."""
    assert run_pending_jobs(session) == 1
    session.rollback()
    job = session.get(BackgroundJob, job_id)
    assert (directory / f"project-{job.project_id}-export-{job_id}.json").is_file(), job.message
