"""A logged-in annotator on an NER project with tasks, and JSON posting with the CSRF token."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import csrf_token, login
from webapp.models import OrgRole, Project, Task, User

TEXTS = ["Ada Lovelace met Charles Babbage.", "Grace Hopper worked in Arlington.", "Alan Turing"]


@dataclass
class Stream:
    client: object
    project: Project
    tasks: list[Task]
    user: User
    token: str

    @property
    def url(self) -> str:
        return f"/projects/{self.project.id}/stream"

    def task_url(self, task: Task, action: str) -> str:
        return f"{self.url}/tasks/{task.id}/{action}"

    def post(self, task: Task, action: str, body, **headers):
        headers = {"X-CSRFToken": self.token, "Accept": "application/json", **headers}
        return self.client.post(self.task_url(task, action), json=body, headers=headers)


@pytest.fixture
def make_stream(client, factory):
    """Build a stream for a fresh annotator; project settings go in as keywords."""

    def make(template: str = "ner", texts: list[str] = TEXTS, **settings) -> Stream:
        project = factory.project(template=template, **settings)
        tasks = factory.tasks(project, texts) if texts else []
        user = factory.user(OrgRole.ANNOTATOR)
        factory.member(project, user)
        login(client, user)
        return Stream(client, project, tasks, user, csrf_token(client, "/"))

    return make

