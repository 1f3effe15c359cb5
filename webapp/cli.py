"""Command line: `flask users create|set-password ...`, `flask seed demo`, `flask secrets rotate`,
`flask worker`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from sqlalchemy import select

from webapp.accounts import AccountError, change_password, create_user
from webapp.extensions import db
from webapp.models import OrgRole, User
from webapp.secret_box import KEYS_SETTING, box_from_config, generate_key
from webapp.secret_rotation import BATCH_SIZE, rotate_secrets

users_cli = AppGroup("users", help="Manage users.")
seed_cli = AppGroup("seed", help="Load demo data.")
secrets_cli = AppGroup("secrets", help=f"Manage the keys of stored secrets ({KEYS_SETTING}).")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option(
    "--role",
    type=click.Choice([r.value for r in OrgRole], case_sensitive=False),
    default=OrgRole.ANNOTATOR.value,
    show_default=True,
)
@click.option("--name", default="")
def create_user_command(email: str, password: str, role: str, name: str) -> None:
    """Create a user; the last line printed is the new user's API token."""
    try:
        user = create_user(db.session, email, password, OrgRole(role.lower()), name=name)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({user.org_role.value}), id {user.id}.")
    click.echo(user.api_token)


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=True)
def set_password_command(email: str, password: str) -> None:
    """Set a user's password and sign them out everywhere (every session and remember cookie)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with email '{email}'.")
    try:
        change_password(db.session, user, password)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Password set for {user.email}; every login of theirs was ended.")


@seed_cli.command("demo")
def seed_demo_command() -> None:
    """Create the demo organisation, users and projects; safe to run again."""
    from webapp.demo import DEMO_PASSWORD, seed_demo

    users = seed_demo(db.session)
    click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for user in users:
        click.echo(f"  {user.org_role.value:<13} {user.email}")


@secrets_cli.command("generate-key")
def generate_key_command() -> None:
    """Print a new key: put it first in QUORUM_ENCRYPTION_KEYS, then run `flask secrets rotate`."""
    click.echo(generate_key())


@secrets_cli.command("rotate")
@click.option("--batch-size", default=BATCH_SIZE, show_default=True, type=click.IntRange(1, 10000))
def rotate_secrets_command(batch_size: int) -> None:
    """Re-encrypt every stored secret with the first key; afterwards older keys can go."""
    counts = rotate_secrets(db.session, box_from_config(current_app.config), batch_size)
    for c in counts:
        click.echo(f"{c.table}: {c.rotated} re-encrypted, {c.current} already current, {c.unreadable} unreadable")
    if any(c.unreadable for c in counts):
        raise click.ClickException(f"Some secrets open with no key of {KEYS_SETTING}: they were left as they are "
                                   "and must be entered again.")


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run the background jobs (training, predictions, autolabel, export snapshots) and the
    scheduled ones until SIGTERM or Ctrl-C; start as many as you like, on any machine."""
    from webapp.config import BackgroundMode
    from webapp.jobs import run_worker  # loads the job stages: only this command needs them

    if current_app.config["QUORUM_BACKGROUND"] is BackgroundMode.INPROCESS:
        click.echo("Note: QUORUM_BACKGROUND is 'inprocess', so the web processes run these jobs too; "
                   "set it to 'worker' for every process of the deployment.", err=True)
    click.echo("Worker running; SIGTERM or Ctrl-C stops it once the jobs in flight finish.", err=True)
    run_worker(current_app._get_current_object())
    click.echo("Worker stopped.", err=True)
