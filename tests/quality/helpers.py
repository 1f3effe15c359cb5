"""Shared setup for quality tests: a sentiment project and Choices results."""
from __future__ import annotations

from webapp.annotations import Submission, submit_annotation
from webapp.models import OrgRole


def choice(value: str) -> list:
    return [{"from_name": "sentiment", "to_name": "text", "type": "choices",
             "value": {"choices": [value]}}]


def sentiment_project(factory, annotators=2, n_tasks=1, overlap=None, **settings):
    settings.setdefault("annotations_per_task_minimum", overlap or annotators)
    project = factory.project(template="text_classification", **settings)
    users = [factory.user(OrgRole.ANNOTATOR) for _ in range(annotators)]
    for user in users:
        factory.member(project, user)
    tasks = factory.tasks(project, [f"text {i}" for i in range(n_tasks)],
                          overlap=settings["annotations_per_task_minimum"])
    return project, users, tasks


def submit(session, task, user, value=None, **kw):
    result = choice(value) if value else []
    return submit_annotation(session, task.id, user, Submission(result=result, **kw))
