"""Review fixtures: a project with annotators who submitted, and a reviewer."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.queue.helpers import submit
from webapp.models import Annotation, AssignmentKind, OrgRole, Project, Task, TaskAssignment, User

TEXT = "Ada Lovelace met Charles Babbage."


def span(start: int = 0, end: int = 12, label: str = "PER") -> dict:
    return {
        "id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels",
        "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]},
    }


@dataclass
class Setup:
    project: Project
    tasks: list[Task]
    annotators: list[User]
    reviewer: User
    manager: User

    def submit(self, session, task: Task, user: User, result=None) -> Annotation:
        return submit(session, task, user, result=result if result is not None else [span()])

    def assign_reviewer(self, session, task: Task, user: User | None = None) -> None:
        user = user or self.reviewer
        session.add(TaskAssignment(task_id=task.id, user_id=user.id, kind=AssignmentKind.REVIEWER))
        session.commit()


@pytest.fixture
def make_setup(factory):
    def make(n_tasks: int = 3, annotators: int = 2, overlap: int = 1, **settings) -> Setup:
        manager = factory.user(OrgRole.MANAGER)
        project = factory.project(owner=manager, **settings)
        people = [factory.user(OrgRole.ANNOTATOR) for _ in range(annotators)]
        reviewer = factory.user(OrgRole.REVIEWER)
        for u in [*people, reviewer]:
            factory.member(project, u)
        tasks = factory.tasks(project, [TEXT] * n_tasks, overlap=overlap)
        return Setup(project, tasks, people, reviewer, manager)

    return make
