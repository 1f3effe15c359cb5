"""`flask users create` prints the token last; `flask seed demo` is idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.models import OrgRole, Project, Task, User


def test_users_create_prints_token_on_last_line(app, session):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "cli@example.org", "--password", "long-enough-pw", "--role", "manager"]
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "cli@example.org"))
    assert user.org_role is OrgRole.MANAGER
    assert result.output.strip().splitlines()[-1] == user.api_token


def test_users_create_refuses_duplicate(app, session):
    runner = app.test_cli_runner()
    args = ["users", "create", "--email", "dup@example.org", "--password", "long-enough-pw"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output


def test_seed_demo_is_idempotent(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    counts = (session.scalar(select(func.count(User.id))), session.scalar(select(func.count(Project.id))),
              session.scalar(select(func.count(Task.id))))
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert counts == (session.scalar(select(func.count(User.id))), session.scalar(select(func.count(Project.id))),
                      session.scalar(select(func.count(Task.id))))
    assert counts[1] == 2 and counts[2] > 100


def test_demo_manager_logs_in_through_the_form(app, client, session):
    from tests.factories import csrf_token
    from webapp.demo import DEMO_PASSWORD

    app.test_cli_runner().invoke(args=["seed", "demo"])
    response = client.post("/login", data={"email": "manager@quorum.local", "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert "Social media entities" in client.get("/").get_data(as_text=True)
