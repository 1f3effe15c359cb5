"""A manager logged in, with a project in a shared workspace, for the settings tests."""
from __future__ import annotations

import pytest

from tests.factories import csrf_token, login
from webapp.accounts import get_or_create_workspace
from webapp.models import OrgRole


@pytest.fixture
def team(session, factory):
    manager = factory.user(OrgRole.MANAGER)
    workspace = get_or_create_workspace(session, manager.organization_id, "Team")
    project = factory.project(owner=manager, workspace_id=workspace.id)
    return manager, project


@pytest.fixture
def manager_client(client, team):
    login(client, team[0])
    return client


def post(client, url: str, data: dict, htmx: bool = True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/")}, headers=headers)
