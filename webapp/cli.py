"""Command line: `flask users create|set-password ...` and `flask seed demo`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from sqlalchemy import select

from webapp.accounts import AccountError, change_password, create_user
from webapp.extensions import db
from webapp.models import OrgRole, User

users_cli = AppGroup("users", help="Manage users.")
seed_cli = AppGroup("seed", help="Load demo data.")


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
