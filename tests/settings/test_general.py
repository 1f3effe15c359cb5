"""General settings (GEN-1, GEN-2) and the PROJECT_UPDATED history."""
from __future__ import annotations

from sqlalchemy import select

from tests.settings.conftest import post
from webapp.accounts import get_or_create_workspace, sandbox_of
from webapp.models import ProjectEvent
from webapp.project_settings import settings_json
from webapp.project_updates import proxy_credentials, update_settings
from webapp.secret_box import SecretBox, SecretError, box_from_config, generate_key

BOX = SecretBox((generate_key(),))


def url(project) -> str:
    return f"/projects/{project.id}/settings/general"


def form(project, **overrides) -> dict:
    return {
        "workspace": project.workspace_id, "title": project.title, "description": "",
        "color": project.color, "proxy_username": "", "proxy_password": "", **overrides,
    }


def test_save_general_fields_with_htmx__GEN_1(manager_client, session, team):
    _, project = team
    response = post(manager_client, url(project), form(project, title="Renamed", description="About", color="#112233"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Saved" in html and "<html" not in html  # only the section is swapped
    assert "HX-Request" in response.headers["Vary"]
    session.refresh(project)
    assert (project.title, project.description, project.color) == ("Renamed", "About", "#112233")


def test_plain_post_renders_the_whole_page__GEN_1(manager_client, session, team):
    _, project = team
    response = post(manager_client, url(project), form(project, title="No JS"), htmx=False)
    assert response.status_code == 200
    assert "<html" in response.get_data(as_text=True)
    session.refresh(project)
    assert project.title == "No JS"


def api_patch(app, user, project, body):
    """Through the API with a token, as scripts call it (no session, no CSRF)."""
    return app.test_client().patch(
        f"/api/projects/{project.id}", json=body, headers={"Authorization": f"Token {user.api_token}"}
    )


def test_invalid_fields_show_the_api_messages_inline__GEN_1(manager_client, session, team, app):
    manager, project = team
    html = post(manager_client, url(project), form(project, title="x" * 201)).get_data(as_text=True)
    assert "The project name must have 1 to 200 characters." in html
    api = api_patch(app, manager, project, {"title": "x" * 201})
    assert api.get_json()["detail"] == "The project name must have 1 to 200 characters."
    html = post(manager_client, url(project), form(project, color="red")).get_data(as_text=True)
    assert "is not of the form #rrggbb" in html
    session.refresh(project)
    assert project.title == "Test project"


def test_workspace_choices_are_shared_ones_and_own_sandbox__GEN_2(manager_client, session, team, factory):
    manager, project = team
    other = get_or_create_workspace(session, manager.organization_id, "Other team")
    foreign_sandbox = sandbox_of(session, factory.user())
    html = manager_client.get(url(project)).get_data(as_text=True)
    assert "Other team" in html and "Sandbox (only you)" in html
    bad = post(manager_client, url(project), form(project, workspace=foreign_sandbox.id))
    assert "Not a valid choice" in bad.get_data(as_text=True)
    post(manager_client, url(project), form(project, workspace=other.id))
    session.refresh(project)
    assert project.workspace_id == other.id


def test_proxy_password_is_encrypted_and_never_rendered__GEN_1(manager_client, session, team, app):
    _, project = team
    post(manager_client, url(project), form(project, proxy_username="bot", proxy_password="hunter2-secret"))
    session.refresh(project)
    assert project.proxy_password_encrypted and "hunter2-secret" not in project.proxy_password_encrypted
    assert proxy_credentials(project, box_from_config(app.config)) == ("bot", "hunter2-secret")
    page = manager_client.get(url(project)).get_data(as_text=True)
    assert "hunter2-secret" not in page and project.proxy_password_encrypted not in page
    assert "A password is set" in page
    api = app.test_client().get(
        f"/api/projects/{project.id}", headers={"Authorization": f"Token {team[0].api_token}"}
    ).get_data(as_text=True)
    assert "hunter2-secret" not in api and project.proxy_password_encrypted not in api
    # A blank password keeps the saved one; "clear" removes it.
    post(manager_client, url(project), form(project, proxy_username="bot"))
    session.refresh(project)
    assert proxy_credentials(project, box_from_config(app.config)) == ("bot", "hunter2-secret")
    post(manager_client, url(project), form(project, proxy_username="bot", clear_proxy_password="y"))
    session.refresh(project)
    assert project.proxy_password_encrypted == ""


def test_secrets_need_the_same_key__GEN_1():
    token = BOX.encrypt("pw")
    assert BOX.decrypt(token) == "pw"
    try:
        SecretBox((generate_key(),)).decrypt(token)
    except SecretError:
        pass
    else:
        raise AssertionError("decrypted with the wrong key")


def test_every_save_records_a_project_updated_event(manager_client, session, team, app):
    manager, project = team
    post(manager_client, url(project), form(project, title="New name", proxy_password="pw123"))
    assert api_patch(app, manager, project, {"description": "via API"}).status_code == 200
    post(manager_client, url(project), form(project, title="New name", description="via API"))  # no change
    events = session.scalars(select(ProjectEvent).order_by(ProjectEvent.id)).all()
    assert [(e.event, e.actor_id, e.fields) for e in events] == [
        ("PROJECT_UPDATED", manager.id, ["proxy_password", "title"]),
        ("PROJECT_UPDATED", manager.id, ["description"]),
    ]
    history = manager_client.get(url(project)).get_data(as_text=True)
    assert "proxy_password, title" in history and "description" in history


def test_api_moves_workspace_and_sets_write_only_password__GEN_1(session, team, app):
    manager, project = team
    other = get_or_create_workspace(session, manager.organization_id, "Elsewhere")
    changed = update_settings(
        session, project, manager, {"workspace": other.id, "proxy_password": "pw"}, box=BOX
    )
    assert changed == ["workspace", "proxy_password"]
    assert project.workspace_id == other.id
    assert "proxy_password" not in settings_json(project)
