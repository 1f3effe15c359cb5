"""Danger zone (DZ-1..3): each action behind a confirmation step, with a result message."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.settings.conftest import post
from webapp.models import Annotation, DataManagerTab, Project, Task


def base(project) -> str:
    return f"/projects/{project.id}/settings/danger-zone"


def annotate(session, project, tasks, result) -> None:
    for task in tasks:
        session.add(Annotation(task_id=task.id, project_id=project.id, result=result))
    session.commit()


def ner(label: str) -> list:
    return [{"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 3, "text": "Ada", "labels": [label]}}]


def test_each_action_has_a_confirmation_step(manager_client, team):
    _, project = team
    page = manager_client.get(base(project)).get_data(as_text=True)
    assert "Yes, reset the cache" not in page and f'{base(project)}/reset-cache"' not in page
    for key, button in (("reset_cache", "Yes, reset the cache"), ("drop_tabs", "Yes, drop all tabs"),
                        ("delete", "Delete this project")):
        confirm = manager_client.get(f"{base(project)}?confirm={key}", headers={"HX-Request": "true"})
        assert button in confirm.get_data(as_text=True)


def test_reset_cache_recomputes_labels_in_use__DZ_1(manager_client, session, team, factory):
    _, project = team
    tasks = factory.tasks(project, ["Ada met Bob", "Ada again", "x"])
    annotate(session, project, tasks[:2], ner("PER"))
    annotate(session, project, tasks[2:], ner("ORG") + ner("ORG"))  # one annotation, counted once
    project.labels_in_use = {"stale\u001fvalue": 9}
    project.task_count, project.finished_task_count = 99, 7  # drifted counters
    session.commit()
    html = post(manager_client, f"{base(project)}/reset-cache", {}).get_data(as_text=True)
    assert "read 3 annotations; 2 labels and choices are in use" in html
    session.refresh(project)
    assert project.labels_in_use == {"label\u001fPER": 2, "label\u001fORG": 1}
    assert (project.task_count, project.finished_task_count) == (3, 0)


def test_drop_all_tabs__DZ_2(manager_client, session, team, factory):
    manager, project = team
    other = factory.project(owner=manager)
    session.add_all([DataManagerTab(project_id=project.id, user_id=manager.id, title=f"T{i}") for i in range(3)])
    session.add(DataManagerTab(project_id=other.id, user_id=manager.id, title="keep"))
    session.commit()
    html = post(manager_client, f"{base(project)}/drop-tabs", {}).get_data(as_text=True)
    assert "Dropped 3 Data Manager tabs." in html
    assert session.scalar(select(func.count()).select_from(DataManagerTab)) == 1


def test_delete_needs_the_exact_name__DZ_3(manager_client, session, team, factory):
    _, project = team
    factory.tasks(project, ["a", "b"])
    wrong = post(manager_client, f"{base(project)}/delete", {"name": "test project"})
    assert "The name does not match" in wrong.get_data(as_text=True)
    assert session.get(Project, project.id) is not None


def test_delete_removes_project_tasks_and_annotations__DZ_3(manager_client, session, team, factory):
    _, project = team
    tasks = factory.tasks(project, ["a", "b"])
    annotate(session, project, tasks, ner("PER"))
    project_id = project.id
    response = post(manager_client, f"{base(project)}/delete", {"name": "Test project"}, htmx=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    session.expunge_all()
    assert session.get(Project, project_id) is None
    assert session.scalar(select(func.count()).select_from(Task)) == 0
    assert session.scalar(select(func.count()).select_from(Annotation)) == 0
    assert "were deleted" in manager_client.get("/").get_data(as_text=True)


def test_delete_with_htmx_redirects_the_browser__DZ_3(manager_client, team):
    _, project = team
    response = post(manager_client, f"{base(project)}/delete", {"name": "Test project"})
    assert response.headers["HX-Redirect"] == "/"
