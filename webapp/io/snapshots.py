"""Export snapshots (Label Studio's `projects.exports`, issue 16 point 1): a JSON export of
the project written to a file by a background job, listed, downloaded and deleted later.

A snapshot is its background job row (kind `export_snapshot`): the job's status is the
snapshot's, its params hold the title, the filter and the file's directory. The file is
written beside its final name and renamed when complete, so a download never reads half
a file.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.io.exporters import export_project
from webapp.ml.jobs import enqueue, fence, job_handler
from webapp.models import Project
from webapp.models.ml import BackgroundJob

EXPORT_JOB = "export_snapshot"


def request_snapshot(session: Session, project: Project, user_id: int, title: str, only_annotated: bool,
                     directory: str) -> BackgroundJob:
    """Queue a snapshot (flushed; the caller commits)."""
    params = {"title": title, "only_annotated": only_annotated, "directory": directory, "created_by": user_id}
    return enqueue(session, EXPORT_JOB, project.id, params)


def snapshots(session: Session, project_id: int) -> list[BackgroundJob]:
    return list(session.scalars(select(BackgroundJob).where(
        BackgroundJob.project_id == project_id, BackgroundJob.kind == EXPORT_JOB).order_by(BackgroundJob.id)))


def snapshot(session: Session, project_id: int, snapshot_id: int) -> BackgroundJob | None:
    job = session.get(BackgroundJob, snapshot_id)
    return job if job is not None and (job.project_id, job.kind) == (project_id, EXPORT_JOB) else None


def snapshot_file(job: BackgroundJob) -> Path:
    return Path(job.params["directory"]) / f"project-{job.project_id}-export-{job.id}.json"


def delete_snapshot(session: Session, job: BackgroundJob) -> None:
    """The row, then its file (a running job's file is not renamed into place after it)."""
    path = snapshot_file(job)
    session.delete(job)
    session.commit()
    path.unlink(missing_ok=True)


@job_handler(EXPORT_JOB)
def write_snapshot(session: Session, job: BackgroundJob) -> str:
    project = session.get(Project, job.project_id)
    final = snapshot_file(job)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_suffix(".part")
    export = export_project(session, project, "JSON", only_annotated=job.params["only_annotated"])
    with open(partial, "wb") as out:
        for chunk in export.chunks:
            out.write(chunk)
    fence(session, job)  # still this worker's job: put the file in place
    partial.replace(final)
    session.commit()
    return f"Exported to {final.name}."
