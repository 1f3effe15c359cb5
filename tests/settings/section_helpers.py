"""Helpers of the Annotation, Review, Quality and Members tests (fixtures: conftest.py)."""
from __future__ import annotations

import pytest

from tests.factories import csrf_token

HX = {"HX-Request": "true"}


@pytest.fixture
def manager(team):
    return team[0]


@pytest.fixture
def project(team):
    return team[1]


@pytest.fixture
def browser_client(manager_client):
    return manager_client


def auth(user) -> dict:
    return {"Authorization": f"Token {user.api_token}"}


def post_section(client, project, section: str, data: dict, htmx: bool = True):
    path = f"/projects/{project.id}/settings/{section}"
    body = {"csrf_token": csrf_token(client, path), **data}
    return client.post(path, data=body, headers=HX if htmx else {})
