"""Annotation settings page and API (ANN-1, ANN-3, SKIP-1, OPT-1..5, LIVE-1, SAMP-1)."""
from __future__ import annotations

import pytest
from markupsafe import escape

from tests.settings.section_helpers import auth, browser_client, manager, post_section, project  # noqa: F401 - fixtures
from webapp.models import Distribution, Prediction, Sampling, SkipQueue

VALID = {
    "expert_instruction": "<p>Label people</p>",
    "distribution": "auto",
    "reservation_minutes": "60",
    "skip_queue": "REQUEUE_FOR_ME",
    "show_skip_button": "y",
    "enable_empty_annotation": "y",
    "live_predictions_source": "",
    "sampling": "Uniform sampling",
}


def test_page_renders_every_section_with_guide_help(browser_client, project):
    html = browser_client.get(f"/projects/{project.id}/settings/annotation").get_data(as_text=True)
    for text in ("Instructions", "Show before labeling", "Distribute labeling tasks", "Task reservation",
                 "Requeue skipped tasks back to the annotator", "Ignore skipped", "Show Skip button",
                 "Annotators must leave a comment on skip", "No models or prediction sets yet",
                 "least confident, or most uncertain"):
        assert text in html


def test_htmx_save_returns_partial_and_survives_reload__ANN_3_SKIP_1_SAMP_1(browser_client, project, session):
    response = post_section(browser_client, project, "annotation", VALID)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Saved" in html
    assert "<html" not in html and "HX-Request" in response.headers["Vary"]
    session.refresh(project)
    assert project.reservation_minutes == 60
    assert project.skip_queue is SkipQueue.REQUEUE_FOR_ME
    assert project.sampling is Sampling.UNIFORM
    reloaded = browser_client.get(f"/projects/{project.id}/settings/annotation").get_data(as_text=True)
    assert 'value="60"' in reloaded and "<html" in reloaded


@pytest.mark.parametrize("field", ["show_instruction", "show_skip_button", "enable_empty_annotation",
                                   "show_data_manager_to_annotators", "reveal_preannotations_interactively",
                                   "require_comment_on_skip"])
def test_each_option_toggles_in_the_page__OPT_1_OPT_2_OPT_3_OPT_4_OPT_5(browser_client, project, session, field):
    before = getattr(project, field)
    data = {k: v for k, v in VALID.items() if k not in ("show_skip_button", "enable_empty_annotation")}
    data.update({f: "y" for f in ("show_skip_button", "enable_empty_annotation") if getattr(project, f)})
    data.update({field: "y"} if not before else {})
    data.pop(field, None) if before else None
    post_section(browser_client, project, "annotation", data)
    session.refresh(project)
    assert getattr(project, field) is (not before)


def test_plain_post_renders_the_full_page(browser_client, project):
    html = post_section(browser_client, project, "annotation", VALID, htmx=False).get_data(as_text=True)
    assert "<html" in html and "Saved" in html


def test_bad_reservation_gets_the_registry_message__ANN_3(browser_client, project, session):
    answer = post_section(browser_client, project, "annotation", {**VALID, "reservation_minutes": "5000"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422  # refused, with the form and its errors to swap in
    assert "must be a whole number from 1 to 1440" in html and "Saved" not in html
    session.refresh(project)
    assert project.reservation_minutes == 1440


def test_reservation_ignored_in_manual__ANN_3(browser_client, project, session, client, manager):
    html = post_section(browser_client, project, "annotation",
                        {**VALID, "distribution": "manual", "reservation_minutes": "99999"}).get_data(as_text=True)
    assert "Saved" in html and 'name="reservation_minutes"' not in html
    session.refresh(project)
    assert project.distribution is Distribution.MANUAL and project.reservation_minutes == 1440
    answer = client.patch(f"/api/projects/{project.id}", headers=auth(manager), json={"reservation_minutes": 7})
    assert answer.status_code == 200 and answer.get_json()["reservation_minutes"] == 1440


def test_reservation_fieldset_follows_the_distribution__ANN_3(browser_client, project):
    url = f"/projects/{project.id}/settings/annotation/reservation"
    assert 'name="reservation_minutes"' not in browser_client.get(url + "?distribution=manual").get_data(as_text=True)
    shown = browser_client.get(url + "?distribution=auto&reservation_minutes=30").get_data(as_text=True)
    assert 'name="reservation_minutes"' in shown and 'value="30"' in shown


def test_instructions_are_sanitized_and_previewed__ANN_1(browser_client, project, session):
    dirty = '<p onclick="steal()">Read me</p><script>alert(1)</script>'
    html = post_section(browser_client, project, "annotation", {**VALID, "expert_instruction": dirty}).get_data(as_text=True)
    session.refresh(project)
    assert project.expert_instruction == "<p>Read me</p>"
    assert '<div class="preview-body"><p>Read me</p></div>' in html and "<script>" not in html


def test_live_predictions_lists_prediction_sets__LIVE_1(browser_client, project, session, factory):
    task = factory.tasks(project, ["Alice met Bob"])[0]
    for version in ("v1", "v2", "v1"):
        session.add(Prediction(task_id=task.id, project_id=project.id, result=[], model_version=version))
    session.commit()
    html = browser_client.get(f"/projects/{project.id}/settings/annotation").get_data(as_text=True)
    assert html.count('value="version:v1"') == 1 and 'value="version:v2"' in html
    post_section(browser_client, project, "annotation", {**VALID, "live_predictions_source": "version:v2"})
    session.refresh(project)
    assert project.live_predictions_source == "version:v2"


@pytest.mark.parametrize("changes, stored", [
    ({"expert_instruction": "<b>Hi</b><script>x</script>"}, {"expert_instruction": "<b>Hi</b>"}),
    ({"show_instruction": True}, {"show_instruction": True}),
    ({"distribution": "manual"}, {"distribution": "manual"}),
    ({"reservation_minutes": 30}, {"reservation_minutes": 30}),
    ({"skip_queue": "IGNORE_SKIPPED"}, {"skip_queue": "IGNORE_SKIPPED"}),
    ({"show_skip_button": False}, {"show_skip_button": False}),
    ({"enable_empty_annotation": False}, {"enable_empty_annotation": False}),
    ({"show_data_manager_to_annotators": True}, {"show_data_manager_to_annotators": True}),
    ({"reveal_preannotations_interactively": True}, {"reveal_preannotations_interactively": True}),
    ({"require_comment_on_skip": True}, {"require_comment_on_skip": True}),
    ({"live_predictions_source": "version:v3"}, {"live_predictions_source": "version:v3"}),
    ({"sampling": "Uncertainty sampling"}, {"sampling": "Uncertainty sampling"}),
])
def test_every_field_through_the_api__ANN_1_ANN_3_OPT_1_LIVE_1_SAMP_1(client, project, manager, changes, stored):
    answer = client.patch(f"/api/projects/{project.id}", headers=auth(manager), json=changes)
    assert answer.status_code == 200, answer.get_json()
    body = client.get(f"/api/projects/{project.id}", headers=auth(manager)).get_json()
    assert {k: body[k] for k in stored} == stored


@pytest.mark.parametrize("changes, message", [
    ({"reservation_minutes": 0}, "'reservation_minutes' must be a whole number from 1 to 1440."),
    ({"skip_queue": "LATER"}, "'skip_queue' must be one of: REQUEUE_FOR_ME, REQUEUE_FOR_OTHERS, IGNORE_SKIPPED."),
    ({"show_skip_button": "yes"}, "'show_skip_button' must be true or false."),
    ({"live_predictions_source": "magic"}, "'live_predictions_source' must be empty, 'model:<id>' or 'version:<model version>'."),
])
def test_bad_api_values_get_the_same_message(client, project, manager, browser_client, changes, message):
    answer = client.patch(f"/api/projects/{project.id}", headers=auth(manager), json=changes)
    assert answer.status_code == 400 and answer.get_json()["detail"] == message
    if "show_skip_button" not in changes:
        field, value = next(iter(changes.items()))
        html = post_section(browser_client, project, "annotation", {**VALID, field: str(value)}).get_data(as_text=True)
        assert str(escape(message)) in html
