"""QA_4, QA_6: the agreement API, task JSON and the dashboard partial, with permissions."""
from __future__ import annotations

from tests.factories import login
from tests.quality.helpers import sentiment_project, submit
from webapp.models import OrgRole, ProjectRole
from webapp.quality.ground_truth import set_ground_truth


def auth(user):
    return {"Authorization": f"Token {user.api_token}"}


def _labelled(session, factory):
    project, (a, b, c), tasks = sentiment_project(factory, annotators=3, n_tasks=3, overlap=2)
    submit(session, tasks[0], a, "Positive")
    submit(session, tasks[0], b, "Positive")
    submit(session, tasks[1], a, "Positive")
    submit(session, tasks[1], c, "Negative")
    set_ground_truth(session, submit(session, tasks[2], a, "Neutral"), True)
    session.commit()
    submit(session, tasks[2], b, "Neutral")
    return project, (a, b, c), tasks


def test_QA_4_agreement_summary_api(session, factory, client):
    project, (a, b, c), tasks = _labelled(session, factory)
    body = client.get(f"/api/projects/{project.id}/agreement", headers=auth(project.created_by)).get_json()
    assert body["tasks"] == 3 and body["mean"] == round(200 / 3, 2)
    assert [d["tasks"] for d in body["distribution"]] == [1] + [0] * 8 + [2]
    assert body["below_threshold"] == 1  # default threshold 80%
    assert body["control"] == "sentiment"
    assert body["fleiss_kappa"] is not None and body["krippendorff_alpha"] is not None
    per = {row["annotator"]: row for row in body["per_annotator"]}
    assert per[a.email] == {"annotator": a.email, "agreement": round(200 / 3, 2), "pairs": 3}
    assert per[c.email]["agreement"] == 0.0
    assert body["annotator_accuracy"] == [{"annotator": b.email, "accuracy": 100.0, "tasks": 1}]
    assert client.get(f"/api/projects/{project.id}/agreement/", headers=auth(project.created_by)).status_code == 200


def test_QA_4_task_json_carries_agreement_for_managers(session, factory, client):
    # The task list adds it through the Data Manager's visibility rules (OPT-3, REV-8).
    project, _, tasks = _labelled(session, factory)
    body = client.get(f"/api/projects/{project.id}/tasks", headers=auth(project.created_by)).get_json()
    assert {t["id"]: t["agreement"] for t in body} == {tasks[0].id: 100.0, tasks[1].id: 0.0, tasks[2].id: 100.0}


def test_QA_6_agreement_is_for_managers_and_reviewers_when_shown(session, factory, client):
    project, (a, _, _), _ = _labelled(session, factory)
    reviewer = factory.user(OrgRole.REVIEWER)
    factory.member(project, reviewer, ProjectRole.REVIEWER)
    url = f"/api/projects/{project.id}/agreement"
    assert client.get(url, headers=auth(a)).status_code == 403
    assert client.get(url, headers=auth(reviewer)).status_code == 403
    project.show_agreement_to_reviewers = True
    session.commit()
    assert client.get(url, headers=auth(reviewer)).status_code == 200
    assert client.get("/api/projects/999999/agreement", headers=auth(reviewer)).status_code == 404


def test_QA_6_dashboard_partial_shows_charts_accuracy_and_low_tasks(session, factory, client):
    project, (a, b, c), tasks = _labelled(session, factory)
    login(client, project.created_by)
    response = client.get(f"/projects/{project.id}/dashboard/quality", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="quality-histogram"' in html and "<svg" in html
    assert 'id="quality-matrix"' in html and f'title="{c.email}"' in html
    assert 'data-kind="annotator"' in html and b.email in html
    assert f'data-task-id="{tasks[1].id}"' in html
    assert "agreement_max=79.99" in html and "agreement_lt" not in html
    assert "<script" not in html and "cdn" not in html.lower()


def test_QA_6_dashboard_partial_refused_to_annotators(session, factory, client):
    project, (a, _, _), _ = _labelled(session, factory)
    login(client, a)
    assert client.get(f"/projects/{project.id}/dashboard/quality").status_code == 403


def _link(html: str, anchor_id: str) -> str:
    import html as html_lib
    import re

    return html_lib.unescape(re.search(rf'id="{anchor_id}" href="([^"]+)"', html).group(1))


def _dm_task_ids(html: str) -> set[int]:
    import re

    return {int(i) for i in re.findall(r'<tr data-task-id="(\d+)"', html)}


def test_QA_5_dashboard_links_open_the_matching_data_manager_filters(session, factory, client):
    """The low-agreement link uses the Data Manager's own parameter names (agreement_max),
    so following it lists exactly the tasks below the threshold; the flagged ones too."""
    project, _, tasks = _labelled(session, factory)
    tasks[0].needs_attention = True
    session.commit()
    login(client, project.created_by)
    html = client.get(f"/projects/{project.id}/dashboard/quality").get_data(as_text=True)
    below = client.get(_link(html, "dm-below-threshold")).get_data(as_text=True)
    assert _dm_task_ids(below) == {tasks[1].id}  # agreement 0 < 80; the others are at 100
    flagged = client.get(_link(html, "dm-needs-attention")).get_data(as_text=True)
    assert _dm_task_ids(flagged) == {tasks[0].id}
