"""Runs the background jobs (the ML pipeline's stages, export snapshots): every handler
registered, then the loop.

Importing the stages here (and nowhere in `jobs`) keeps the job machinery below the
stages: `jobs` knows no stage, each stage knows `jobs` and queues the next by kind.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.io import snapshots  # noqa: F401 - register the job kinds
from webapp.ml import autolabel, predict, training  # noqa: F401
from webapp.ml.jobs import claim_next, recover_stale_jobs, run_job


def run_pending_jobs(session: Session, limit: int | None = None) -> int:
    """Run pending jobs until none is left (or `limit`); returns how many ran."""
    recover_stale_jobs(session)
    ran = 0
    while limit is None or ran < limit:
        job = claim_next(session)
        if job is None:
            break
        run_job(session, job)
        ran += 1
    return ran
