"""Issue 13 point 8: the scheduler starts only in a serving process (a WSGI server, or
`flask run`), never for `flask users`, `flask db`, `flask seed` or any other command."""
from __future__ import annotations

import click
from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import select

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db, scheduler
from webapp.jobs import is_serving_process
from webapp.models import User


def test_issue_13_point_8_flask_users_create_does_not_start_the_scheduler(app, session, monkeypatch):
    # FlaskGroup sets this for the process; monkeypatch removes it again after the test,
    # so later subprocesses (a real ML backend's `flask` server) do not inherit it.
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    config = type("SchedulingConfig", (TestConfig,), {
        "SCHEDULER_ENABLED": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    loaded = []
    cli = FlaskGroup(create_app=lambda: loaded.append(create_app(config)) or loaded[-1])
    try:
        result = CliRunner().invoke(cli, ["users", "create", "--email", "cli-sched@example.org",
                                          "--password", "long-enough-pw"])
        assert result.exit_code == 0, result.output
        assert loaded and not scheduler.running
    finally:
        if scheduler.running:  # today's main started it: stop it for the other tests
            scheduler.shutdown(wait=False)
        for loaded_app in loaded:
            with loaded_app.app_context():
                db.engine.dispose()
    assert session.scalar(select(User.email).where(User.email == "cli-sched@example.org"))


def _in_command(name: str, **params) -> bool:
    with click.Context(click.Command(name)) as ctx:
        ctx.params.update(params)
        return is_serving_process()


def test_issue_13_point_8_only_serving_processes_run_the_scheduler():
    assert is_serving_process()  # gunicorn imports wsgi.py outside any click command
    assert _in_command("run", reload=False)
    assert not _in_command("run", reload=True)  # the reloader's watching parent serves nothing
    for command in ("create", "upgrade", "demo", "shell", "rotate"):
        assert not _in_command(command)
