"""Quality settings page and API (QA-1..5)."""
from __future__ import annotations

import pytest
from markupsafe import escape

from tests.settings.section_helpers import auth, browser_client, manager, post_section, project  # noqa: F401 - fixtures
from webapp.models import Distribution, LowAgreementStrategy, OrgRole

VALID = {
    "maximum_annotations": "2", "overlap_cohort_percentage": "100", "metric_Labels": "span_iou",
    "low_agreement_strategy": "assign_additional_annotator", "agreement_threshold": "70",
    "max_additional_annotators": "", "weight_0_0": "1", "weight_0_1": "0.5", "weight_0_2": "0", "weight_0_3": "1",
}


def test_page_shows_generated_metric_and_weights(browser_client, project):
    html = browser_client.get(f"/projects/{project.id}/settings/quality").get_data(as_text=True)
    for text in ("Annotations per task minimum", 'type="range"', "Span F1 (IoU-matched spans)",
                 "Assign additional annotator", "Weights set to zero are ignored", "PER", "MISC"):
        assert text in html


def test_save_in_page_and_reload__QA_1_QA_4_QA_5(browser_client, project, session):
    response = post_section(browser_client, project, "quality", VALID)
    html = response.get_data(as_text=True)
    assert "Saved" in html and "<html" not in html
    session.refresh(project)
    assert project.annotations_per_task_minimum == 2
    assert project.agreement_metrics["Labels"] == "span_iou"
    assert project.low_agreement_strategy is LowAgreementStrategy.ASSIGN_ADDITIONAL_ANNOTATOR
    assert project.agreement_threshold == 70 and project.max_additional_annotators is None
    assert project.label_weights == {"label": {"PER": 1.0, "ORG": 0.5, "LOC": 0.0, "MISC": 1.0}}
    reloaded = browser_client.get(f"/projects/{project.id}/settings/quality").get_data(as_text=True)
    assert 'value="70"' in reloaded and 'value="0.5"' in reloaded


def test_overlap_recomputed_on_save_stable__QA_1(browser_client, project, session, factory):
    tasks = factory.tasks(project, [f"text {i}" for i in range(40)])
    post_section(browser_client, project, "quality", {**VALID, "maximum_annotations": "3", "overlap_cohort_percentage": "50"})
    overlaps = {t.id: session.get(type(t), t.id).overlap for t in tasks}
    assert set(overlaps.values()) == {1, 3} and 10 <= sum(v == 3 for v in overlaps.values()) <= 30
    post_section(browser_client, project, "quality", {**VALID, "maximum_annotations": "3", "overlap_cohort_percentage": "50"})
    session.expire_all()
    assert {t.id: session.get(type(t), t.id).overlap for t in tasks} == overlaps


def test_toggles_overlap_and_ground_truth_first__QA_2_QA_3(browser_client, project, session):
    post_section(browser_client, project, "quality", {**VALID, "show_overlap_first": "y", "show_ground_truth_first": "y"})
    session.refresh(project)
    assert project.show_overlap_first and project.show_ground_truth_first


def test_low_agreement_hidden_and_ignored_in_manual__QA_5(browser_client, project, session, client, manager):
    project.distribution = Distribution.MANUAL
    session.commit()
    html = post_section(browser_client, project, "quality",
                        {**VALID, "agreement_threshold": "500"}).get_data(as_text=True)
    assert "Saved" in html and 'name="low_agreement_strategy"' not in html
    session.refresh(project)
    assert project.low_agreement_strategy is LowAgreementStrategy.DO_NOTHING and project.agreement_threshold == 80
    answer = client.patch(f"/api/projects/{project.id}", headers=auth(manager),
                          json={"low_agreement_strategy": "assign_additional_annotator"})
    assert answer.get_json()["low_agreement_strategy"] == "do_nothing"


def test_warns_when_annotators_are_fewer_than_needed__QA_5(browser_client, project, factory):
    factory.member(project, factory.user(OrgRole.ANNOTATOR))
    html = post_section(browser_client, project, "quality", {**VALID, "max_additional_annotators": "2"}).get_data(as_text=True)
    assert "This project has 1 annotator, fewer than" in html
    factory.member(project, factory.user(OrgRole.ANNOTATOR))
    factory.member(project, factory.user(OrgRole.ANNOTATOR))
    factory.member(project, factory.user(OrgRole.ANNOTATOR))
    html = browser_client.get(f"/projects/{project.id}/settings/quality").get_data(as_text=True)
    assert "fewer than" not in html


@pytest.mark.parametrize("field, value, message", [
    ("maximum_annotations", "0", "'maximum_annotations' must be a whole number from 1 to 100."),
    ("overlap_cohort_percentage", "101", "'overlap_cohort_percentage' must be a whole number from 0 to 100."),
    ("agreement_threshold", "0", "'agreement_threshold' must be a whole number from 1 to 100."),
    ("max_additional_annotators", "-1", "'max_additional_annotators' must be blank (no limit) or a whole number from 0 to 100."),
    ("metric_Labels", "exact_match", "The metric for Labels must be one of: span_f1, span_iou."),
    ("weight_0_1", "2", "The weight of 'ORG' must be a number from 0 to 1."),
])
def test_bad_values_get_clear_messages__QA_1_QA_4_QA_5(browser_client, project, session, field, value, message):
    html = post_section(browser_client, project, "quality", {**VALID, field: value}).get_data(as_text=True)
    assert str(escape(message)) in html and "Saved" not in html
    session.refresh(project)
    assert project.annotations_per_task_minimum == 1


@pytest.mark.parametrize("changes", [
    {"maximum_annotations": 3}, {"overlap_cohort_percentage": 40}, {"show_overlap_first": True},
    {"show_ground_truth_first": True}, {"agreement_metrics": {"Labels": "span_iou", "Choices": "jaccard"}},
    {"low_agreement_strategy": "assign_additional_annotator"}, {"agreement_threshold": 55},
    {"max_additional_annotators": 4}, {"max_additional_annotators": None},
    {"label_weights": {"label": {"PER": 0.0, "ORG": 1.0}}},
])
def test_every_field_through_the_api__QA_1_QA_2_QA_3_QA_4_QA_5(client, project, manager, changes):
    answer = client.patch(f"/api/projects/{project.id}", headers=auth(manager), json=changes)
    assert answer.status_code == 200, answer.get_json()
    body = client.get(f"/api/projects/{project.id}", headers=auth(manager)).get_json()
    assert {k: body[k] for k in changes} == changes


@pytest.mark.parametrize("changes, message", [
    ({"agreement_threshold": 101}, "'agreement_threshold' must be a whole number from 1 to 100."),
    ({"agreement_metrics": {"Labels": "exact_match"}}, "The metric for Labels must be one of: span_f1, span_iou."),
    ({"label_weights": {"label": {"PER": 5}}}, "The weight of 'PER' must be a number from 0 to 1."),
])
def test_bad_api_values__QA_4_QA_5(client, project, manager, changes, message):
    answer = client.patch(f"/api/projects/{project.id}", headers=auth(manager), json=changes)
    assert answer.status_code == 400 and answer.get_json()["detail"] == message
