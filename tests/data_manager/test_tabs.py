"""Saved tabs per user; Drop all tabs removes them (DM-1, DZ-2)."""
from __future__ import annotations

from sqlalchemy import select

from tests.factories import csrf_token
from webapp.models import DataManagerTab, OrgRole
from webapp.tabs import drop_all_tabs


def test_save_open_and_delete_tabs_per_user__DM_1(factory, session, manager, as_user):
    project = factory.project(owner=manager)
    factory.tasks(project, ["alpha", "beta"])
    client = as_user(manager)
    token = csrf_token(client, f"/projects/{project.id}/data")
    saved = client.post(f"/projects/{project.id}/data/tabs", data={
        "title": "Betas", "q": "beta", "sort": "-annotations", "cols": "id,data", "csrf_token": token,
    })
    tab = session.scalars(select(DataManagerTab)).one()
    assert (tab.title, tab.filters, tab.ordering, tab.columns) == ("Betas", {"q": "beta"}, ["-annotations"], ["id", "data"])
    assert saved.status_code == 302 and "q=beta" in saved.headers["Location"]
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert ">Betas</a>" in page and "sort=-annotations" in page

    other_manager = factory.user(OrgRole.MANAGER)
    factory.member(project, other_manager)
    assert ">Betas</a>" not in as_user(other_manager).get(f"/projects/{project.id}").get_data(as_text=True)

    client.post(f"/projects/{project.id}/data/tabs/{tab.id}/delete", data={"csrf_token": token})
    assert session.scalars(select(DataManagerTab)).all() == []


def test_drop_all_tabs_removes_every_users_tabs__DM_1(factory, session, manager):
    project = factory.project(owner=manager)
    session.add_all([DataManagerTab(project_id=project.id, user_id=manager.id, title=str(i)) for i in range(3)])
    session.commit()
    assert drop_all_tabs(session, project) == 3
