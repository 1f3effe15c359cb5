"""The "needs attention" column and filter (QA-5 flags, DM-1), withheld like agreement
(OPT-3, REV-8), and the agreement range filter's parameter names."""
from __future__ import annotations

import re

import pytest

from tests.data_manager.helpers import auth
from webapp.data_manager.query import TaskQuery, parse_query
from webapp.data_manager.visibility import viewer_for
from webapp.models import OrgRole, Task


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-task-id="(\d+)"', html)]


@pytest.fixture
def flagged(factory, session, manager):
    project = factory.project(owner=manager)
    reviewer, annotator = factory.user(OrgRole.REVIEWER), factory.user(OrgRole.ANNOTATOR)
    for user in (reviewer, annotator):
        factory.member(project, user)
    tasks = factory.tasks(project, ["a", "b", "c", "d"])
    for task, agreement, attention in zip(tasks, (40.0, 79.99, 80.0, None), (True, False, False, False)):
        task.agreement, task.needs_attention = agreement, attention
    project.show_data_manager_to_reviewers = True
    session.commit()
    return project, tasks, reviewer, annotator


def test_needs_attention_column_and_filter__QA_5__DM_1(flagged, as_user, client, manager):
    project, tasks, _reviewer, _annotator = flagged
    browser = as_user(manager)
    html = browser.get(f"/projects/{project.id}/data").get_data(as_text=True)
    assert 'data-column="needs_attention"' in html and html.count(">Needs attention</span>") == 1
    assert 'name="needs_attention"' in html  # the filter
    assert _ids(browser.get(f"/projects/{project.id}/data?needs_attention=yes").get_data(as_text=True)) == [tasks[0].id]
    assert _ids(browser.get(f"/projects/{project.id}/data?needs_attention=no").get_data(as_text=True)) == [
        t.id for t in tasks[1:]]
    first = browser.get(f"/projects/{project.id}/data?sort=-needs_attention").get_data(as_text=True)
    assert _ids(first)[0] == tasks[0].id
    api = client.get(f"/api/projects/{project.id}/tasks?needs_attention=yes", headers=auth(manager)).get_json()
    assert [(t["id"], t["needs_attention"]) for t in api] == [(tasks[0].id, True)]


@pytest.mark.parametrize("show_agreement", [False, True])
def test_needs_attention_follows_agreement_visibility__REV_8(flagged, session, as_user, client, show_agreement):
    project, tasks, reviewer, _annotator = flagged
    project.show_agreement_to_reviewers = show_agreement
    session.commit()
    html = as_user(reviewer).get(f"/projects/{project.id}/data?needs_attention=yes").get_data(as_text=True)
    assert ('data-column="needs_attention"' in html) is show_agreement
    # Withheld: the filter is dropped too, so it reveals nothing.
    assert _ids(html) == ([tasks[0].id] if show_agreement else [t.id for t in tasks])
    api = client.get(f"/api/projects/{project.id}/tasks", headers=auth(reviewer)).get_json()
    assert all(("needs_attention" in t) is show_agreement for t in api)


def test_annotators_never_see_needs_attention__OPT_3(flagged, session, manager):
    project, _tasks, _reviewer, annotator = flagged
    viewer = viewer_for(session, annotator, project)
    assert "needs_attention" not in viewer.columns
    assert parse_query({"needs_attention": "yes", "sort": "-needs_attention"}, viewer) == TaskQuery(
        columns=tuple(k for k in TaskQuery().columns if k in viewer.columns))


def test_agreement_range_uses_min_and_max__QA_5__DM_1(flagged, as_user, manager):
    """The names the filter form and the quality dashboard send: agreement_min/agreement_max."""
    project, tasks, _reviewer, _annotator = flagged
    browser = as_user(manager)
    below = browser.get(f"/projects/{project.id}/data?agreement_max=79.99&sort=agreement").get_data(as_text=True)
    assert _ids(below) == [tasks[0].id, tasks[1].id]
    assert _ids(browser.get(f"/projects/{project.id}/data?agreement_min=80").get_data(as_text=True)) == [tasks[2].id]


def test_flag_index_is_declared(session):
    names = {ix.name for ix in Task.__table__.indexes}
    assert {"ix_task_needs_attention", "ix_task_dm_needs_attention"} <= names
