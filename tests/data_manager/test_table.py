"""The task table: paging, filters, ordering, columns, and what a page view costs (DM-1)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from tests.data_manager.helpers import annotate, auth
from webapp.data_manager.query import MAX_OFFSET
from webapp.extensions import db
from webapp.models import OrgRole, Prediction


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-task-id="(\d+)"', html)]


@pytest.fixture
def table(factory, session, manager, as_user):
    project = factory.project(owner=manager)
    ann = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, ann)
    tasks = factory.tasks(project, [f"text {i} {'café' if i % 3 == 0 else 'tea'}" for i in range(30)])
    client = as_user(manager)

    def get(query: str = "", **headers) -> str:
        response = client.get(f"/projects/{project.id}/data?{query}", headers=headers)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return project, tasks, ann, get


def test_pages_by_limit_plus_one__DM_1(table):
    _project, tasks, _ann, get = table
    first = get("size=10")
    assert _ids(first) == [t.id for t in tasks[:10]] and 'id="dm-next"' in first and 'id="dm-prev"' not in first
    last = get("size=10&page=3")
    assert _ids(last) == [t.id for t in tasks[20:]] and 'id="dm-next"' not in last and 'id="dm-prev"' in last


def test_offset_is_bounded__DM_1(table):
    _project, _tasks, _ann, get = table
    assert f"Page {MAX_OFFSET // 10 + 1}" in get("size=10&page=999999")


def test_htmx_request_gets_the_table_partial_only__DM_1(table):
    _project, tasks, _ann, get = table
    partial = get("size=10", **{"HX-Request": "true"})
    assert "<html" not in partial and _ids(partial)[0] == tasks[0].id
    assert "<html" in get("size=10", **{"HX-Request": "true", "HX-History-Restore-Request": "true"})


def test_text_search_in_data_including_non_ascii__DM_1(table):
    _project, tasks, _ann, get = table
    assert _ids(get("q=caf%C3%A9&size=100")) == [t.id for i, t in enumerate(tasks) if i % 3 == 0]
    assert _ids(get("q=TEXT+7&size=100")) == [tasks[7].id]
    assert _ids(get("q=100%25")) == []  # LIKE wildcards are escaped


def test_range_ordering_annotator_label_and_ground_truth_filters__DM_1(table, session):
    _project, tasks, ann, get = table
    annotate(session, tasks[4], ann, label="LOC")
    annotate(session, tasks[4], ann, label="PER")
    annotate(session, tasks[9], ann, label="PER")
    tasks[9].has_ground_truth = True
    session.commit()
    assert _ids(get("annotations_min=1&sort=-annotations")) == [tasks[4].id, tasks[9].id]
    assert _ids(get("annotations_min=1&annotations_max=1")) == [tasks[9].id]
    assert _ids(get(f"annotator={ann.id}")) == [tasks[4].id, tasks[9].id]
    assert _ids(get("label=LOC")) == [tasks[4].id]
    assert _ids(get("label=PE")) == []  # a whole label, not a substring
    assert _ids(get("ground_truth=yes")) == [tasks[9].id]
    assert tasks[9].id not in _ids(get("ground_truth=no&size=100"))
    ordered = _ids(get("sort=-id&size=10"))
    assert ordered == sorted(ordered, reverse=True) and ordered[0] == tasks[-1].id


def test_column_chooser_and_computed_columns__DM_1(table, session, manager):
    project, tasks, ann, get = table
    annotate(session, tasks[0], ann)
    session.add_all([
        Prediction(task_id=tasks[0].id, project_id=project.id, score=0.25, model_version="v1"),
        Prediction(task_id=tasks[0].id, project_id=project.id, score=0.75, model_version="v2"),
        Prediction(task_id=tasks[0].id, project_id=project.id, score=0.5, model_version="v2"),
    ])
    session.commit()
    html = get("size=10")
    assert ann.email in html and "0.75" in html  # the latest set's best score
    project.live_predictions_source = "version:v1"
    session.commit()
    assert "0.25" in get("size=10")
    chosen = get("cols=id&cols=annotations")
    assert set(re.findall(r'data-column="([a-z_]+)"', chosen)) == {"id", "annotations"}
    assert "dm-annotators" not in chosen and "dm-data" not in chosen


def test_page_view_counts_nothing_and_distincts_nothing__DM_1(table):
    """Per page: no COUNT over the project, no DISTINCT over task data."""
    _project, _tasks, _ann, get = table
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        get("sort=-annotations&q=text&annotations_min=0")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    task_queries = [s for s in statements if "from task" in s]
    assert task_queries and not any("count(" in s or "distinct" in s for s in task_queries)


def test_api_applies_the_same_filters_and_keeps_its_paging__DM_1(table, client, manager):
    project, tasks, _ann, _get = table
    page = client.get(f"/api/projects/{project.id}/tasks?page=2&page_size=5&sort=-id", headers=auth(manager)).get_json()
    assert [t["id"] for t in page] == [t.id for t in reversed(tasks)][5:10]
    found = client.get(f"/api/projects/{project.id}/tasks?q=text+7", headers=auth(manager)).get_json()
    assert [t["id"] for t in found] == [tasks[7].id]
