"""Who sees which tasks and columns, on the page and in the API (OPT-3, REV-6, REV-8)."""
from __future__ import annotations

import re

import pytest

from tests.data_manager.helpers import annotate, auth
from webapp.models import AssignmentKind, Distribution, Draft, OrgRole, ProjectRole, TaskAssignment

WITHHOLDABLE = ("annotators", "agreement", "needs_attention", "reviewers")


def _columns(html: str) -> set[str]:
    return set(re.findall(r'data-column="([a-z_]+)"', html))


def _task_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-task-id="(\d+)"', html)}


@pytest.fixture
def world(factory, session, manager):
    """A project with one task done by each of two annotators, one drafted, one untouched."""
    project = factory.project(owner=manager)
    ann, other, reviewer = factory.user(OrgRole.ANNOTATOR), factory.user(OrgRole.ANNOTATOR), factory.user(OrgRole.REVIEWER)
    for user in (ann, other, reviewer):
        factory.member(project, user)
    mine, theirs, drafted, untouched = factory.tasks(project, ["mine", "theirs", "drafted", "untouched"])
    annotate(session, mine, ann)
    annotate(session, theirs, other)
    session.add(Draft(task_id=drafted.id, user_id=ann.id, result=[]))
    for task in (mine, theirs):
        task.agreement = 87.5
    session.commit()
    return project, ann, other, reviewer, (mine, theirs, drafted, untouched)


def _page_and_api(as_user, client, project, user):
    page = as_user(user).get(f"/projects/{project.id}/data")
    page.client = as_user.last
    api = client.get(f"/api/projects/{project.id}/tasks", headers=auth(user))
    return page, api


@pytest.mark.parametrize("role", [OrgRole.ANNOTATOR, OrgRole.REVIEWER])
def test_data_manager_refused_when_setting_off__OPT_3__REV_6(world, session, as_user, client, role):
    project, ann, _other, reviewer, _tasks = world
    project.show_data_manager_to_annotators = False
    project.show_data_manager_to_reviewers = False
    session.commit()
    user = ann if role is OrgRole.ANNOTATOR else reviewer
    page, api = _page_and_api(as_user, client, project, user)
    assert page.status_code == 403 and api.status_code == 403
    detail = as_user(user).get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'id="tasks"' not in detail and "data-task-id" not in detail


def test_annotator_auto_sees_completed_or_drafted_only_without_withheld_columns__OPT_3(world, session, as_user, client):
    project, ann, other, _reviewer, (mine, theirs, drafted, _untouched) = world
    project.show_data_manager_to_annotators = True
    session.commit()
    page, api = _page_and_api(as_user, client, project, ann)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert _task_ids(html) == {mine.id, drafted.id}
    assert not _columns(html) & set(WITHHOLDABLE)
    assert other.email not in html and "88%" not in html
    body = api.get_json()
    assert {t["id"] for t in body} == {mine.id, drafted.id}
    for task in body:
        assert not set(task) & set(WITHHOLDABLE)
        assert all(a["completed_by"] == ann.id for a in task["annotations"])


def test_annotator_cannot_filter_or_sort_by_withheld_columns__OPT_3(world, session, as_user):
    project, ann, other, _reviewer, (mine, _theirs, drafted, _u) = world
    project.show_data_manager_to_annotators = True
    session.commit()
    html = as_user(ann).get(
        f"/projects/{project.id}/data?annotator={other.id}&agreement_min=50&sort=-agreement&cols=annotators,agreement,id"
    ).get_data(as_text=True)
    assert _task_ids(html) == {mine.id, drafted.id}  # the filters on withheld columns are dropped
    assert _columns(html) == {"id"}


def test_annotator_manual_sees_assigned_tasks_only__OPT_3(world, session, as_user, client):
    project, ann, _other, _reviewer, (mine, theirs, _drafted, untouched) = world
    project.show_data_manager_to_annotators = True
    project.distribution = Distribution.MANUAL
    session.add_all([TaskAssignment(task_id=t.id, user_id=ann.id, kind=AssignmentKind.ANNOTATOR) for t in (theirs, untouched)])
    session.commit()
    page, api = _page_and_api(as_user, client, project, ann)
    assert _task_ids(page.get_data(as_text=True)) == {theirs.id, untouched.id}
    assert {t["id"] for t in api.get_json()} == {theirs.id, untouched.id}


@pytest.mark.parametrize("show_agreement", [False, True])
def test_reviewer_columns__REV_6__REV_8(world, session, as_user, client, show_agreement):
    project, _ann, other, reviewer, tasks = world
    project.show_data_manager_to_reviewers = True
    project.show_agreement_to_reviewers = show_agreement
    session.commit()
    page, api = _page_and_api(as_user, client, project, reviewer)
    html = page.get_data(as_text=True)
    assert _task_ids(html) == {t.id for t in tasks}
    columns = _columns(html)
    assert "reviewers" not in columns and "annotators" in columns and other.email in html
    assert ("agreement" in columns) is show_agreement and ("88%" in html) is show_agreement
    for task in api.get_json():
        assert "reviewers" not in task and "annotators" in task
        assert ("agreement" in task) is show_agreement
    sorted_html = page.client.get(f"/projects/{project.id}/data?sort=-agreement").get_data(as_text=True)
    assert ("▼" in sorted_html) is show_agreement


def test_reviewer_by_project_role_override__REV_6(world, factory, session, as_user):
    """An annotator made reviewer in this project gets the reviewer's view (MEM-1)."""
    project, *_rest, tasks = world
    promoted = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, promoted, role=ProjectRole.REVIEWER)
    project.show_data_manager_to_annotators = False
    session.commit()
    html = as_user(promoted).get(f"/projects/{project.id}/data").get_data(as_text=True)
    assert _task_ids(html) == {t.id for t in tasks} and "reviewers" not in _columns(html)


@pytest.mark.parametrize("ann_on,rev_on", [(False, False), (True, True)])
def test_manager_sees_every_task_and_column_whatever_the_settings__OPT_3__REV_8(
    world, session, as_user, client, manager, ann_on, rev_on
):
    project, *_rest, tasks = world
    project.show_data_manager_to_annotators = ann_on
    project.show_data_manager_to_reviewers = rev_on
    session.commit()
    page, api = _page_and_api(as_user, client, project, manager)
    html = page.get_data(as_text=True)
    assert _task_ids(html) == {t.id for t in tasks}
    assert set(WITHHOLDABLE) <= _columns(html)
    assert all(set(WITHHOLDABLE) <= set(t) for t in api.get_json())
