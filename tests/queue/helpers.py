"""Shared setup for queue tests."""
from __future__ import annotations

from webapp.annotations import Submission, submit_annotation
from webapp.models import AssignmentKind, OrgRole, TaskAssignment


def setup_project(factory, n_tasks=3, annotators=2, overlap=1, **settings):
    project = factory.project(**settings)
    users = [factory.user(OrgRole.ANNOTATOR) for _ in range(annotators)]
    for u in users:
        factory.member(project, u)
    tasks = factory.tasks(project, [f"text {i}" for i in range(n_tasks)], overlap=overlap)
    return project, users, tasks


def assign(session, tasks, user):
    for t in tasks:
        session.add(TaskAssignment(task_id=t.id, user_id=user.id, kind=AssignmentKind.ANNOTATOR))
    session.commit()


def submit(session, task, user, **kw):
    return submit_annotation(session, task.id, user, Submission(**kw))


def skip(session, task, user, comment=""):
    return submit_annotation(session, task.id, user, Submission(was_cancelled=True, comment=comment))
