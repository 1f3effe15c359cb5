"""A project with one user of every role and one row of every kind, for the access tests
(issue 13 point 1). The subject task is assigned to nobody: in Manual distribution the
annotator member may not see it, in Auto they may."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from tests.factories import Factory
from webapp.accounts import get_or_create_workspace
from webapp.annotations import Submission, submit_annotation
from webapp.models import (
    Annotation,
    AssignmentKind,
    BackgroundJob,
    DataManagerTab,
    Distribution,
    MLModel,
    OrgRole,
    Prediction,
    Project,
    Storage,
    Task,
    TaskAssignment,
    User,
    Webhook,
)

NER = [{"from_name": "label", "to_name": "text", "type": "labels",
        "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}}]


class Role(str, Enum):
    """The matrix's columns, in this order."""

    OWNER = "owner"
    ADMINISTRATOR = "administrator"
    MANAGER = "manager"
    REVIEWER = "reviewer"
    ANNOTATOR = "annotator member"
    OUTSIDER = "annotator non-member"
    ANONYMOUS = "anonymous"


@dataclass
class World:
    project: Project
    users: dict[Role, User]
    task: Task  # assigned to nobody
    assigned: Task  # assigned to the annotator member
    annotation: Annotation  # the annotator member's own, on `task`
    ids: dict[str, int] = field(default_factory=dict)  # URL arguments by name

    @property
    def annotator(self) -> User:
        return self.users[Role.ANNOTATOR]


def _users(factory: Factory) -> dict[Role, User]:
    return {
        Role.OWNER: factory.user(OrgRole.OWNER),
        Role.ADMINISTRATOR: factory.user(OrgRole.ADMINISTRATOR),
        Role.MANAGER: factory.user(OrgRole.MANAGER),
        Role.REVIEWER: factory.user(OrgRole.REVIEWER),
        Role.ANNOTATOR: factory.user(OrgRole.ANNOTATOR),
        Role.OUTSIDER: factory.user(OrgRole.ANNOTATOR),
    }


def build_world(session, factory: Factory, distribution: Distribution) -> World:
    users = _users(factory)
    workspace = get_or_create_workspace(session, users[Role.MANAGER].organization_id, "Team")
    project = factory.project(owner=users[Role.MANAGER], workspace_id=workspace.id)
    for role in (Role.REVIEWER, Role.ANNOTATOR):
        factory.member(project, users[role])
    spare = factory.user(OrgRole.ANNOTATOR)  # the one the member routes remove
    factory.member(project, spare)
    task, assigned, spare_task = factory.tasks(project, ["Alice went home", "Alice stayed", "Alice left"])
    # The annotator labelled `task` while it was theirs, then a manager unassigned it.
    annotation = submit_annotation(session, task.id, users[Role.ANNOTATOR], Submission(result=NER))
    project.distribution = distribution
    session.add(TaskAssignment(task_id=assigned.id, user_id=users[Role.ANNOTATOR].id, kind=AssignmentKind.ANNOTATOR))
    session.commit()
    world = World(project, users, task, assigned, annotation)
    world.ids = _rows(session, project, spare) | {
        "project_id": project.id, "task_id": task.id, "annotation_id": annotation.id,
        "spare_task_id": spare_task.id,  # the one the API's task deletion removes
        "organization_id": users[Role.MANAGER].organization_id,
        **_predictions(session, task),
    }
    return world


def _rows(session, project: Project, spare: User) -> dict[str, int]:
    """A webhook, model connection, storage, job and export snapshot of the project (two
    webhooks, models and import storages, so that the page and the API each delete one;
    and an export storage for Label Studio's /api/storages/export paths)."""
    loopback = "http://127.0.0.1:9/"  # the discard port: nothing answers
    rows = {
        f"{prefix}{name}_id": row
        for prefix in ("", "spare_")
        for name, row in (
            ("webhook", Webhook(project_id=project.id, url=loopback + "hook")),
            ("model", MLModel(project_id=project.id, title="Model", url=loopback)),
        )
    } | {
        **{f"{prefix}storage_id": Storage(project_id=project.id, role=role, kind="local",
                                          params={"path": "/nonexistent"})
           for prefix, role in (("", "source"), ("spare_", "source"), ("target_", "target"))},
        "job_id": BackgroundJob(project_id=project.id, kind="predict"),
        "export_pk": BackgroundJob(project_id=project.id, kind="export_snapshot",  # not run: pending
                                   params={"title": "Snapshot", "directory": "/nonexistent"}),
    }
    session.add_all(rows.values())
    session.commit()
    return {name: row.id for name, row in rows.items()} | {"user_id": spare.id, "kind": "local"}


def _predictions(session, task: Task) -> dict[str, int]:
    """Two predictions of the subject task (the API reads one and deletes the other),
    under versions the API's create (default version "imported") does not replace."""
    rows = {name: Prediction(task_id=task.id, project_id=task.project_id, result=[], model_version=version)
            for name, version in (("prediction_id", "v1"), ("spare_prediction_id", "v2"))}
    session.add_all(rows.values())
    session.commit()
    return {name: row.id for name, row in rows.items()}


def tab_of(session, project: Project, user: User) -> int:
    """A Data Manager tab of this user's own (tabs are per user)."""
    tab = DataManagerTab(project_id=project.id, user_id=user.id, title="Mine")
    session.add(tab)
    session.commit()
    return tab.id
