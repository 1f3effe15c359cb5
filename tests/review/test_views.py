"""Review pages and API: who may (403/404), CSRF, JSON errors, REV-1, REV-3, REV-7, REV-8."""
from __future__ import annotations

from sqlalchemy import select

from tests.factories import csrf_token, login
from tests.review.conftest import span
from webapp.models import Annotation, OrgRole, RejectOption, Review, ReviewState


def _as(client, user):
    login(client, user)
    return csrf_token(client, "/")


def _post(client, annotation_id, body, token=None):
    headers = {"X-CSRFToken": token} if token else {}
    return client.post(f"/api/annotations/{annotation_id}/reviews", json=body, headers=headers)


def test_annotator_gets_403_on_review_page_and_api(make_setup, client, session) -> None:
    s = make_setup()
    a = s.submit(session, s.tasks[0], s.annotators[0])
    token = _as(client, s.annotators[1])
    assert client.get(f"/projects/{s.project.id}/review").status_code == 403
    # Another annotator's annotation is invisible to them: 404, as a missing id (issue 13 point 1).
    assert _post(client, a.id, {"accepted": True}, token).status_code == 404
    assert client.get(f"/api/projects/{s.project.id}/review/next").status_code == 403
    token = _as(client, s.annotators[0])
    response = _post(client, a.id, {"accepted": True}, token)  # their own: visible, not theirs to review
    assert response.status_code == 403 and "detail" in response.get_json()


def test_outsider_gets_404(make_setup, factory, client, session) -> None:
    s = make_setup()
    a = s.submit(session, s.tasks[0], s.annotators[0])
    other_org_reviewer = factory.user(OrgRole.REVIEWER)  # not a member of the project
    token = _as(client, other_org_reviewer)
    assert client.get(f"/projects/{s.project.id}/review").status_code == 404
    assert _post(client, a.id, {"accepted": True}, token).status_code == 404
    assert client.get(f"/api/annotations/{a.id}/reviews").status_code == 404
    assert _post(client, 999999, {"accepted": True}, token).status_code == 404


def test_session_post_without_csrf_token_is_refused(make_setup, client, session) -> None:
    s = make_setup()
    a = s.submit(session, s.tasks[0], s.annotators[0])
    _as(client, s.reviewer)
    assert _post(client, a.id, {"accepted": True}).status_code == 400
    assert session.scalars(select(Review)).all() == []


def test_review_page_shows_annotations_and_accept_works_through_api__REV_2(make_setup, client, session) -> None:
    s = make_setup()
    a = s.submit(session, s.tasks[0], s.annotators[0])
    token = _as(client, s.reviewer)
    page = client.get(f"/projects/{s.project.id}/review").get_data(as_text=True)
    assert f'id="annotation-{a.id}"' in page and "Ada Lovelace" in page and s.annotators[0].display_name in page
    assert 'id="reject-requeue"' in page and 'id="reject-remove"' not in page  # REV-3: option Requeue
    response = _post(client, a.id, {"accepted": True}, token)
    assert response.status_code == 201 and response.get_json()["action"] == "accept"
    listed = client.get(f"/api/annotations/{a.id}/reviews").get_json()
    assert [r["accepted"] for r in listed] == [True]
    fragment = client.get(f"/projects/{s.project.id}/review", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="review-done"' in fragment and "<html" not in fragment


def test_api_refuses_bad_bodies_with_json_errors__REV_3(make_setup, client, session) -> None:
    s = make_setup(reject_option=RejectOption.REVIEWER_CHOOSES)
    a = s.submit(session, s.tasks[0], s.annotators[0])
    token = _as(client, s.reviewer)
    for body, message in [
        ({}, "'accepted'"),
        ({"accepted": "yes"}, "boolean"),
        ({"accepted": False}, "requeue or remove"),
        ({"accepted": False, "remove": False, "result": []}, "carries no fixed"),
        ({"accepted": True, "result": [span(0, 3, "NOPE")]}, "NOPE"),
    ]:
        response = _post(client, a.id, body, token)
        assert response.status_code == 400, body
        assert message in response.get_json()["detail"]
    assert session.scalars(select(Review)).all() == []


def test_api_remove_sets_was_cancelled__REV_3(make_setup, client, session) -> None:
    s = make_setup(reject_option=RejectOption.REVIEWER_CHOOSES)
    a = s.submit(session, s.tasks[0], s.annotators[0])
    token = _as(client, s.reviewer)
    response = _post(client, a.id, {"accepted": False, "remove": True, "comment": "junk"}, token)
    assert response.status_code == 201 and response.get_json()["remove"] is True
    session.expire_all()
    stored = session.get(Annotation, a.id)
    assert stored.was_cancelled and stored.review_state is ReviewState.REJECTED_REMOVED


def test_api_comment_required_on_reject__REV_7(make_setup, client, session) -> None:
    s = make_setup(require_comment_on_reject=True)
    a = s.submit(session, s.tasks[0], s.annotators[0])
    token = _as(client, s.reviewer)
    response = _post(client, a.id, {"accepted": False}, token)
    assert response.status_code == 400 and "Leave a comment" in response.get_json()["detail"]
    assert _post(client, a.id, {"accepted": False, "comment": "wrong span"}, token).status_code == 201


def test_next_task_api_answers_task_with_review_fields__REV_2(make_setup, client, session) -> None:
    s = make_setup()
    a = s.submit(session, s.tasks[1], s.annotators[0])
    _as(client, s.reviewer)
    body = client.get(f"/api/projects/{s.project.id}/review/next").get_json()
    assert body["id"] == s.tasks[1].id and body["reviews_pending"] == 1 and not body["is_reviewed"]
    assert [x["id"] for x in body["annotations"]] == [a.id] and body["annotations"][0]["review_state"] == "pending"


def test_review_instructions_sanitized_and_popup_when_on__REV_1(make_setup, client, session) -> None:
    s = make_setup(review_instruction='<p>Check <b>spans</b></p><script>alert(1)</script>',
                   show_review_instruction=True)
    _as(client, s.reviewer)
    page = client.get(f"/projects/{s.project.id}/review").get_data(as_text=True)
    assert "<b>spans</b>" in page and "alert(1)" not in page
    assert "data-open-on-load" in page and 'id="show-instructions"' in page


def test_review_instructions_behind_a_button_when_off__REV_1(make_setup, client, session) -> None:
    s = make_setup(review_instruction="<p>Check spans</p>", show_review_instruction=False)
    _as(client, s.reviewer)
    page = client.get(f"/projects/{s.project.id}/review").get_data(as_text=True)
    assert 'id="show-instructions"' in page and "data-open-on-load" not in page


def test_agreement_shown_to_reviewers_only_when_allowed__REV_8(make_setup, client, session) -> None:
    for allowed in (False, True):
        s = make_setup(show_agreement_to_reviewers=allowed)
        s.submit(session, s.tasks[0], s.annotators[0])
        s.tasks[0].agreement = 87.5
        session.commit()
        _as(client, s.reviewer)
        page = client.get(f"/projects/{s.project.id}/review").get_data(as_text=True)
        assert ('id="agreement"' in page) is allowed
        _as(client, s.manager)
        assert 'id="agreement"' in client.get(f"/projects/{s.project.id}/review").get_data(as_text=True)


def test_project_page_shows_review_button_to_reviewers_only(make_setup, client, session) -> None:
    s = make_setup()
    _as(client, s.reviewer)
    assert 'id="review-all"' in client.get(f"/projects/{s.project.id}").get_data(as_text=True)
    _as(client, s.annotators[0])
    page = client.get(f"/projects/{s.project.id}").get_data(as_text=True)
    assert 'id="review-all"' not in page and 'id="my-work"' in page


def test_review_page_renders_choices_and_predictions(make_setup, client, session) -> None:
    from webapp.models import Prediction

    s = make_setup(template="text_classification")
    choice = {"id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices",
              "value": {"choices": ["Positive"]}}
    s.submit(session, s.tasks[0], s.annotators[0], result=[choice])
    session.add(Prediction(task_id=s.tasks[0].id, project_id=s.project.id, result=[choice], score=0.42,
                           model_version="v1"))
    session.commit()
    _as(client, s.reviewer)
    page = client.get(f"/projects/{s.project.id}/review").get_data(as_text=True)
    assert page.count('<span class="rv-label">Positive</span>') == 2 and 'id="predictions"' in page
