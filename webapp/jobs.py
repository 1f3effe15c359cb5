"""APScheduler jobs: each is a one-line wrapper around a domain function.

The scheduler runs only in serving processes (gunicorn workers, `flask run`): a CLI
command such as `flask users create` or `flask db upgrade` must neither start background
work nor compete with it for SQLite's write lock.
"""
from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask
from flask.helpers import get_debug_flag
from werkzeug.serving import is_running_from_reloader

from webapp.extensions import db, scheduler
from webapp.integrations.delivery import DELIVERY_INTERVAL, deliver_pending
from webapp.integrations.http_policy import policy_from_config
from webapp.io.storage.sync import sync_due_storages
from webapp.ml.pipeline import run_pending_jobs
from webapp.models._types import utcnow
from webapp.quality.reevaluate import reevaluate_changed_projects, reevaluate_flagged
from webapp.queue import sweep_expired_reservations
from webapp.secret_box import box_from_config

QUALITY_INTERVAL_MINUTES = 5
# Look back three intervals: a missed or slow run is covered, a repeat is harmless.
QUALITY_LOOKBACK = timedelta(minutes=3 * QUALITY_INTERVAL_MINUTES)


def sweep_reservations_job(app: Flask) -> None:
    with app.app_context():
        sweep_expired_reservations(db.session, utcnow())


def deliver_webhooks_job(app: Flask) -> None:
    with app.app_context():
        deliver_pending(db.session, policy_from_config(app.config), box_from_config(app.config))


def sync_storages_job(app: Flask) -> None:
    with app.app_context():
        sync_due_storages(db.session, app.config)


def reevaluate_quality_job(app: Flask) -> None:
    with app.app_context():
        reevaluate_changed_projects(db.session, utcnow() - QUALITY_LOOKBACK)
        reevaluate_flagged(db.session)


def background_jobs_job(app: Flask) -> None:
    with app.app_context():
        run_pending_jobs(db.session, limit=5)  # train / predict / autolabel (webapp/ml)


def is_serving_process() -> bool:
    """A WSGI server imports the app outside any click command; the flask CLI loads it
    inside one, and of its commands only `run` serves (with the reloader on, only the
    reloaded child does: the watching parent serves nothing)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True
    if ctx.command.name != "run":
        return False
    reload = ctx.params.get("reload")
    return not (get_debug_flag() if reload is None else reload) or is_running_from_reloader()


def start_scheduler_when_serving(app: Flask) -> None:
    if is_serving_process():
        start_scheduler(app)


def start_scheduler(app: Flask) -> None:
    """Jobs are idempotent, so several processes may each run the scheduler safely."""
    if scheduler.running:
        return
    scheduler.add_job(
        sweep_reservations_job, "interval", minutes=5, args=[app],
        id="sweep_reservations", replace_existing=True, coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        deliver_webhooks_job, "interval", seconds=DELIVERY_INTERVAL.total_seconds(), args=[app],
        id="deliver_webhooks", replace_existing=True, coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        sync_storages_job, "interval", seconds=30, args=[app],
        id="sync_storages", replace_existing=True, coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        reevaluate_quality_job, "interval", minutes=QUALITY_INTERVAL_MINUTES, args=[app],
        id="reevaluate_quality", replace_existing=True, coalesce=True, max_instances=1,
    )
    scheduler.add_job(
        background_jobs_job, "interval", seconds=2, args=[app],
        id="background_jobs", replace_existing=True, coalesce=True, max_instances=1,
    )
    scheduler.start()
