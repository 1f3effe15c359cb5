"""APScheduler jobs: each is a one-line wrapper around a domain function."""
from __future__ import annotations

from flask import Flask

from webapp.extensions import db, scheduler
from webapp.models._types import utcnow
from webapp.queue import sweep_expired_reservations


def sweep_reservations_job(app: Flask) -> None:
    with app.app_context():
        sweep_expired_reservations(db.session, utcnow())


def start_scheduler(app: Flask) -> None:
    """Jobs are idempotent, so several processes may each run the scheduler safely."""
    if scheduler.running:
        return
    scheduler.add_job(
        sweep_reservations_job, "interval", minutes=5, args=[app],
        id="sweep_reservations", replace_existing=True, coalesce=True, max_instances=1,
    )
    scheduler.start()
