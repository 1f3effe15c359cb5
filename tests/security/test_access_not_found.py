"""Issue 13 point 1: one 404 body for "not found" and "not yours". A row of a project the
user cannot see answers exactly as an id that does not exist, for every kind of row, in
the API and in the pages, so no answer tells the user that the row exists."""
from __future__ import annotations

import re

import pytest

from tests.security.helpers import As
from tests.security.world import Role, build_world, tab_of
from webapp.access import NOT_FOUND
from webapp.accounts import get_or_create_workspace
from webapp.models import Distribution, OrgRole

MISSING = 10**6
NONCE = re.compile(r'\snonce="[^"]*"')  # a per-response nonce is no information


@pytest.fixture
def pair(session, factory):
    """The manager of the world's project, and the rows of a project they cannot see."""
    world = build_world(session, factory, Distribution.MANUAL)
    stranger = factory.user(OrgRole.MANAGER)
    workspace = get_or_create_workspace(session, stranger.organization_id, "Elsewhere")
    other = build_world(session, factory, Distribution.AUTO)
    other.project.workspace_id = workspace.id
    session.commit()
    hidden = other.ids | {"tab_id": tab_of(session, other.project, world.users[Role.MANAGER])}
    return world, hidden


def _urls(own_project: int, ids: dict) -> list[tuple[str, str]]:
    """(method, URL) naming a row by id; `own_project` is one the user sees."""
    return [
        ("GET", f"/api/projects/{ids['project_id']}"),
        ("GET", f"/api/tasks/{ids['task_id']}"),
        ("GET", f"/api/tasks/{ids['task_id']}/presign?fileuri=s3://bucket/a.txt"),
        ("GET", f"/api/annotations/{ids['annotation_id']}"),
        ("GET", f"/api/annotations/{ids['annotation_id']}/reviews"),
        ("GET", f"/api/webhooks/{ids['webhook_id']}"),
        ("GET", f"/api/ml/{ids['model_id']}"),
        ("GET", f"/api/jobs/{ids['job_id']}"),
        ("GET", f"/projects/{ids['project_id']}"),
        ("GET", f"/projects/{ids['project_id']}/settings/general"),
        ("POST", f"/projects/{own_project}/stream/tasks/{ids['task_id']}/submit"),
        ("POST", f"/projects/{own_project}/review/annotations/{ids['annotation_id']}/ground-truth"),
        ("POST", f"/projects/{own_project}/data/tabs/{ids['tab_id']}/delete"),
        ("GET", f"/projects/{own_project}/settings/model/connections/{ids['model_id']}/status"),
        ("POST", f"/projects/{own_project}/settings/cloud-storage/{ids['storage_id']}/sync"),
    ]


def _body(response) -> str:
    return NONCE.sub("", response.get_data(as_text=True))


def test_invisible_and_missing_rows_answer_the_same_404(client, pair):
    world, hidden = pair
    me = As(client, world.users[Role.MANAGER])
    missing = {name: MISSING for name in hidden}
    for (method, invisible_url), (_, missing_url) in zip(
        _urls(world.project.id, hidden), _urls(world.project.id, missing)
    ):
        invisible = me.send(method, invisible_url, {} if method == "POST" else None)
        absent = me.send(method, missing_url, {} if method == "POST" else None)
        assert (invisible.status_code, absent.status_code) == (404, 404), invisible_url
        assert _body(invisible) == _body(absent), invisible_url
        assert NOT_FOUND in _body(invisible), invisible_url


def test_another_annotators_annotation_is_not_found_as_a_missing_one(client, session, factory):
    world = build_world(session, factory, Distribution.AUTO)
    other = factory.user(OrgRole.ANNOTATOR)
    factory.member(world.project, other)
    me = As(client, other)
    theirs = me.get(f"/api/annotations/{world.annotation.id}")
    absent = me.get(f"/api/annotations/{MISSING}")
    assert theirs.status_code == absent.status_code == 404
    assert theirs.get_json() == absent.get_json() == {"detail": NOT_FOUND, "status_code": 404}
