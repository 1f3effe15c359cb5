"""Submit, skip and draft routes of the label stream (ANN-7, OPT-1, OPT-2, OPT-5, CSRF)."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from tests.factories import csrf_token, login
from webapp.models import Annotation, Comment, Draft, OrgRole


def span(start: int, end: int, text: str, label: str = "PER") -> dict:
    return {
        "id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


def _annotations(session, task_id: int) -> list[Annotation]:
    session.expire_all()
    return session.scalars(select(Annotation).where(Annotation.task_id == task_id)).all()


def test_submit_stores_annotation_and_next_task_follows__ANN_3(make_stream, session) -> None:
    s = make_stream()
    first, second = s.tasks[0], s.tasks[1]
    s.client.get(s.url)
    result = [span(0, 12, "Ada Lovelace")]
    response = s.post(first, "submit", {"result": result, "lead_time": 4.5})
    assert response.status_code == 200, response.get_json()
    [stored] = _annotations(session, first.id)
    assert response.get_json()["annotation_id"] == stored.id
    assert stored.result == result and stored.lead_time == 4.5 and not stored.was_cancelled
    assert stored.completed_by_id == s.user.id
    page = s.client.get(s.url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'data-task-id="{second.id}"' in page and "1 of 3 tasks done" in page


def test_submit_with_a_bad_span_is_refused_with_the_reason__LBL_1(make_stream, session) -> None:
    s = make_stream()
    response = s.post(s.tasks[0], "submit", {"result": [span(0, 3, "Grace")]})
    assert response.status_code == 400
    assert "does not match the task text" in response.get_json()["detail"]
    assert _annotations(session, s.tasks[0].id) == []


def test_empty_annotation_refused_when_not_allowed__OPT_2(make_stream, session) -> None:
    s = make_stream(enable_empty_annotation=False)
    response = s.post(s.tasks[0], "submit", {"result": [], "lead_time": 1})
    assert response.status_code == 400
    assert "Empty annotations are not allowed" in response.get_json()["detail"]
    assert _annotations(session, s.tasks[0].id) == []


def test_empty_annotation_accepted_when_allowed__OPT_2(make_stream, session) -> None:
    s = make_stream(enable_empty_annotation=True)
    assert s.post(s.tasks[0], "submit", {"result": []}).status_code == 200
    [stored] = _annotations(session, s.tasks[0].id)
    assert stored.result == [] and not stored.was_cancelled


def test_skip_hidden_and_refused__OPT_1(make_stream, session) -> None:
    s = make_stream(show_skip_button=False)
    response = s.post(s.tasks[0], "skip", {"comment": "unclear"})
    assert response.status_code == 400
    assert "Skipping is turned off" in response.get_json()["detail"]
    assert _annotations(session, s.tasks[0].id) == []


def test_skip_stores_cancelled_annotation__OPT_1(make_stream, session) -> None:
    s = make_stream()
    s.client.get(s.url)
    assert s.post(s.tasks[0], "skip", {"comment": "", "lead_time": 2}).status_code == 200
    [stored] = _annotations(session, s.tasks[0].id)
    assert stored.was_cancelled and stored.result == []
    page = s.client.get(s.url).get_data(as_text=True)
    assert f'data-task-id="{s.tasks[1].id}"' in page


def test_skip_comment_required__OPT_5(make_stream, session) -> None:
    s = make_stream(require_comment_on_skip=True)
    page = s.client.get(s.url).get_data(as_text=True)
    assert re.search(r'<textarea id="skip-comment"[^>]*required', page)
    refused = s.post(s.tasks[0], "skip", {"comment": "   "})
    assert refused.status_code == 400 and "Leave a comment" in refused.get_json()["detail"]
    assert _annotations(session, s.tasks[0].id) == []
    assert s.post(s.tasks[0], "skip", {"comment": "Not English"}).status_code == 200
    [stored] = _annotations(session, s.tasks[0].id)
    comment = session.scalar(select(Comment).where(Comment.annotation_id == stored.id))
    assert stored.was_cancelled and comment.text == "Not English"


def test_draft_saved_restored_and_cleared_on_submit__ANN_7(make_stream, session) -> None:
    s = make_stream()
    task = s.tasks[0]
    s.client.get(s.url)
    result = [span(0, 3, "Ada")]
    response = s.post(task, "draft", {"result": result, "lead_time": 7.25})
    assert response.status_code == 200
    again = s.post(task, "draft", {"result": result, "lead_time": 9})
    assert again.get_json()["draft_id"] == response.get_json()["draft_id"]  # one draft per task

    page = s.client.get(s.url).get_data(as_text=True)
    state = json.loads(re.search(r'class="ed-state">(.*?)</script>', page, re.S).group(1))
    assert f'data-task-id="{task.id}"' in page and "Draft restored" in page
    assert state == {"result": result, "lead_time": 9, "source": "draft"}

    assert s.post(task, "submit", {"result": result, "lead_time": 12}).status_code == 200
    session.expire_all()
    assert session.scalars(select(Draft).where(Draft.task_id == task.id)).all() == []


def test_post_without_csrf_token_is_refused(make_stream, session) -> None:
    s = make_stream()
    for action in ("submit", "skip", "draft"):
        response = s.post(s.tasks[0], action, {"result": [span(0, 3, "Ada")]}, **{"X-CSRFToken": ""})
        assert response.status_code == 400
        assert "CSRF" in response.get_json()["detail"]
    assert _annotations(session, s.tasks[0].id) == []
    assert session.scalars(select(Draft)).all() == []


def test_bad_bodies_are_refused(make_stream) -> None:
    s = make_stream()
    task = s.tasks[0]
    assert s.post(task, "submit", ["not", "an", "object"]).status_code == 400
    assert s.post(task, "submit", {"result": {"x": 1}}).status_code == 400
    assert s.post(task, "draft", {"result": [], "lead_time": -1}).status_code == 400
    assert s.post(task, "skip", {"comment": 5}).status_code == 400


def test_task_of_another_project_is_404(make_stream, factory) -> None:
    s = make_stream()
    other = factory.tasks(factory.project(), ["elsewhere"])[0]
    assert s.post(other, "submit", {"result": []}).status_code == 404


def test_reviewer_may_not_submit(make_stream, factory, client, session) -> None:
    s = make_stream()
    reviewer = factory.user(OrgRole.REVIEWER)
    factory.member(s.project, reviewer)
    login(client, reviewer)
    s.token = csrf_token(client, "/")
    assert s.post(s.tasks[0], "submit", {"result": []}).status_code == 403
    assert _annotations(session, s.tasks[0].id) == []
