"""Issue 13 point 1: ground truth is set by managers (API, Data Manager) and reviewers in
the review stream (QA-6, REV-4, DM-1); an annotator asking for it gets 403 and nothing is
stored."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.security.helpers import As
from tests.security.world import NER, Role, build_world
from webapp.models import Annotation, Distribution


@pytest.fixture
def world(session, factory):
    return build_world(session, factory, Distribution.AUTO)


def _flag(session, annotation_id: int) -> bool:
    session.expire_all()
    return session.get(Annotation, annotation_id).ground_truth


def test_annotator_cannot_create_a_ground_truth_annotation__QA_6(client, session, world):
    me = As(client, world.annotator)
    before = session.scalar(select(func.count()).select_from(Annotation))
    response = me.send("POST", f"/api/tasks/{world.assigned.id}/annotations", {"result": NER, "ground_truth": True})
    assert response.status_code == 403
    assert "ground truth" in response.get_json()["detail"]
    assert session.scalar(select(func.count()).select_from(Annotation)) == before  # nothing stored


@pytest.mark.parametrize("value", [True, False])
def test_annotator_cannot_patch_ground_truth_of_their_own__QA_6(client, session, world, value):
    session.get(Annotation, world.annotation.id).ground_truth = not value
    session.commit()
    me = As(client, world.annotator)
    response = me.send("PATCH", f"/api/annotations/{world.annotation.id}", {"ground_truth": value, "result": []})
    assert response.status_code == 403 and "ground truth" in response.get_json()["detail"]
    assert _flag(session, world.annotation.id) is (not value)
    assert session.get(Annotation, world.annotation.id).result == NER  # the rest of the PATCH neither


def test_resubmitting_keeps_the_ground_truth_a_manager_set__QA_6(client, session, world):
    """Submitting without asking for ground truth leaves the flag as it is."""
    manager = As(client, world.users[Role.MANAGER])
    url = f"/api/annotations/{world.annotation.id}"
    assert manager.send("PATCH", url, {"ground_truth": True}).get_json()["ground_truth"] is True
    client.post("/logout", headers={"X-CSRFToken": manager.token})
    me = As(client, world.annotator)
    submit = f"/projects/{world.project.id}/stream/tasks/{world.task.id}/submit"
    assert me.send("POST", submit, {"result": NER}).status_code == 200
    assert _flag(session, world.annotation.id) is True


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_managers_set_ground_truth_through_the_api__QA_6(client, session, world, role):
    me = As(client, world.users[role])
    response = me.send("PATCH", f"/api/annotations/{world.annotation.id}", {"ground_truth": True})
    assert response.status_code == 200 and _flag(session, world.annotation.id) is True


def test_reviewer_sets_ground_truth_in_the_review_stream_only__REV_4(client, session, world):
    me = As(client, world.users[Role.REVIEWER])
    api = me.send("PATCH", f"/api/annotations/{world.annotation.id}", {"ground_truth": True})
    assert api.status_code == 403 and _flag(session, world.annotation.id) is False
    page = f"/projects/{world.project.id}/review/annotations/{world.annotation.id}/ground-truth"
    response = me.client.post(page, data={"value": "1", "csrf_token": me.token})
    assert response.status_code == 302 and _flag(session, world.annotation.id) is True
