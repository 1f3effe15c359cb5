"""Review settings page and API (REV-1..8)."""
from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.settings.section_helpers import auth, browser_client, manager, post_section, project  # noqa: F401 - fixtures
from webapp.models import RejectOption, ReviewedWhen

VALID = {"review_instruction": "<p>Check spans</p>", "reviewed_when": "all_processed", "reject_option": "remove",
         "show_data_manager_to_reviewers": "y"}
TOGGLES = ["show_review_instruction", "review_only_assigned", "review_only_finished", "require_comment_on_reject",
           "show_agreement_to_reviewers"]


def test_page_has_guide_texts(browser_client, project):
    html = browser_client.get(f"/projects/{project.id}/settings/review").get_data(as_text=True)
    for text in ("Show before reviewing", "at least 1 accepted annotation", "Allow reviewer to choose: Requeue or Remove",
                 "Review only manually assigned tasks", "Show agreement to reviewers in the Data Manager"):
        assert text in html


def test_save_in_page_and_reload__REV_2_REV_3(browser_client, project, session):
    html = post_section(browser_client, project, "review", VALID).get_data(as_text=True)
    assert "Saved" in html and "<html" not in html
    session.refresh(project)
    assert project.reviewed_when is ReviewedWhen.ALL_PROCESSED and project.reject_option is RejectOption.REMOVE
    reloaded = browser_client.get(f"/projects/{project.id}/settings/review").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="remove"', reloaded)


@pytest.mark.parametrize("field", TOGGLES)
def test_additional_settings_toggle__REV_1_REV_4_REV_5_REV_7_REV_8(browser_client, project, session, field):
    post_section(browser_client, project, "review", {**VALID, field: "y"})
    session.refresh(project)
    assert getattr(project, field) is True


def test_data_manager_for_reviewers_turns_off__REV_6(browser_client, project, session):
    post_section(browser_client, project, "review", {k: v for k, v in VALID.items() if k != "show_data_manager_to_reviewers"})
    session.refresh(project)
    assert project.show_data_manager_to_reviewers is False


def test_instructions_sanitized__REV_1(browser_client, project, session):
    html = post_section(browser_client, project, "review",
                        {**VALID, "review_instruction": '<a href="javascript:x()">x</a><script>bad()</script>'}).get_data(as_text=True)
    session.refresh(project)
    assert "script" not in project.review_instruction and "javascript" not in project.review_instruction
    assert "bad()" not in html


def test_bad_value_gets_the_registry_message__REV_3(browser_client, project, session):
    message = "'reject_option' must be one of: requeue, remove, reviewer_chooses."
    html = post_section(browser_client, project, "review", {**VALID, "reject_option": "burn"}).get_data(as_text=True)
    assert str(escape(message)) in html
    session.refresh(project)
    assert project.reject_option is RejectOption.REQUEUE


@pytest.mark.parametrize("changes", [
    {"review_instruction": "<i>ok</i>"}, {"show_review_instruction": True}, {"reviewed_when": "all_processed"},
    {"reject_option": "reviewer_chooses"}, {"review_only_assigned": True}, {"review_only_finished": True},
    {"show_data_manager_to_reviewers": False}, {"require_comment_on_reject": True}, {"show_agreement_to_reviewers": True},
])
def test_every_field_through_the_api__REV_1_REV_2_REV_3_REV_4_REV_5_REV_6_REV_7_REV_8(client, project, manager, changes):
    answer = client.patch(f"/api/projects/{project.id}", headers=auth(manager), json=changes)
    assert answer.status_code == 200, answer.get_json()
    body = client.get(f"/api/projects/{project.id}", headers=auth(manager)).get_json()
    assert {k: body[k] for k in changes} == changes


def test_bad_api_value__REV_2(client, project, manager):
    answer = client.patch(f"/api/projects/{project.id}", headers=auth(manager), json={"reviewed_when": "never"})
    assert answer.get_json()["detail"] == "'reviewed_when' must be one of: one_accepted, all_processed."
