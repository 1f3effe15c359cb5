"""APScheduler jobs: each is a one-line wrapper around a domain function.

Where they run is QUORUM_BACKGROUND (webapp.config.BackgroundMode):
- `inprocess` (`make run`, tests): the serving processes (gunicorn workers, `flask run`)
  run the scheduler, and no other CLI command does: `flask users create` or `flask db
  upgrade` must neither start background work nor compete with it for SQLite's write lock;
- `worker` (production): serving processes only enqueue, and `flask worker` processes,
  on any machine sharing the database, run the scheduler until SIGTERM or SIGINT.
"""
from __future__ import annotations

from datetime import timedelta

import signal

import click
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from flask.helpers import get_debug_flag
from werkzeug.serving import is_running_from_reloader

from webapp.config import BackgroundMode
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
    if app.config["QUORUM_BACKGROUND"] is BackgroundMode.INPROCESS and is_serving_process():
        start_scheduler(app)


def start_scheduler(app: Flask) -> None:
    """Jobs are idempotent, so several processes may each run the scheduler safely."""
    if scheduler.running:
        return
    add_jobs(scheduler, app)
    scheduler.start()


def run_worker(app: Flask) -> None:
    """`flask worker`: run the jobs in this process until SIGTERM or SIGINT, which stop
    the scheduling and let the jobs in flight finish (a killed one is retried later,
    webapp.ml.jobs.recover_stale_jobs)."""
    worker = BlockingScheduler()
    add_jobs(worker, app)

    def stop(_signum: int, _frame: object) -> None:
        if worker.running:  # a second signal while stopping changes nothing
            worker.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.start()  # blocks until stop()


def add_jobs(target: BaseScheduler, app: Flask) -> None:
    """The same jobs for the in-process scheduler and for `flask worker`."""
    every = {"replace_existing": True, "coalesce": True, "max_instances": 1, "args": [app]}
    target.add_job(sweep_reservations_job, "interval", minutes=5, id="sweep_reservations", **every)
    target.add_job(deliver_webhooks_job, "interval", seconds=DELIVERY_INTERVAL.total_seconds(),
                   id="deliver_webhooks", **every)
    target.add_job(sync_storages_job, "interval", seconds=30, id="sync_storages", **every)
    target.add_job(reevaluate_quality_job, "interval", minutes=QUALITY_INTERVAL_MINUTES,
                   id="reevaluate_quality", **every)
    target.add_job(background_jobs_job, "interval", seconds=2, id="background_jobs", **every)
