"""The project's task, finished and annotation counters (SKIP-4 progress, the project
list and the label stream read them instead of counting the project's tasks)."""
from __future__ import annotations

from tests.queue.helpers import setup_project, skip, submit
from webapp.annotations import delete_annotation
from webapp.data_manager.actions import delete_tasks
from webapp.io import import_records
from webapp.models import OrgRole, SkipQueue
from webapp.projects import project_counts
from webapp.queue import project_progress

CHOICE = [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}]


def counters(session, project) -> tuple[int, int, int]:
    session.refresh(project)
    return project.task_count, project.finished_task_count, project.annotation_count


def test_import_counts_tasks_and_submitted_annotations__SKIP_4(session, factory):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager, template="text_classification")
    import_records(session, project, manager, [
        {"data": {"text": "a"}, "annotations": [{"result": CHOICE}]},
        {"data": {"text": "b"}, "annotations": [{"result": [], "was_cancelled": True}]},
        {"data": {"text": "c"}},
    ])
    assert counters(session, project) == (3, 1, 1)  # a skip neither finishes nor counts
    assert project_counts(session, [project.id])[project.id].labeled == 1


def test_submit_skip_delete_keep_the_counters__SKIP_4(session, factory):
    project, (a, b), tasks = setup_project(factory, n_tasks=3, skip_queue=SkipQueue.IGNORE_SKIPPED)
    submitted = submit(session, tasks[0], a)
    skip(session, tasks[1], b)
    assert counters(session, project) == (3, 2, 1)  # Ignore skipped: a skip finishes its task
    assert project_progress(project) == (2, 3)
    delete_annotation(session, submitted)
    session.commit()
    assert counters(session, project) == (3, 1, 0)


def test_deleting_tasks_takes_them_off_the_counters__SKIP_4(session, factory):
    project, (a, _), tasks = setup_project(factory, n_tasks=3)
    submit(session, tasks[0], a)
    submit(session, tasks[1], a)
    delete_tasks(session, project, a, [tasks[0].id, tasks[2].id])
    assert counters(session, project) == (1, 1, 1)
