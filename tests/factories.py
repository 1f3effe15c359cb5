"""Small builders for test data, through the same domain functions the app uses."""
from __future__ import annotations

import re
from itertools import count

from sqlalchemy import insert
from sqlalchemy.orm import Session

from webapp.accounts import create_user
from webapp.models import OrgRole, Project, ProjectMember, Task, User
from webapp.queue.counters import add_tasks
from webapp.projects import NewProject, create_project

PASSWORD = "correct-horse-42"
_seq = count(1)


class Factory:
    def __init__(self, session: Session):
        self.session = session

    def user(self, role: OrgRole = OrgRole.ANNOTATOR, email: str | None = None) -> User:
        email = email or f"{role.value}{next(_seq)}@example.org"
        user = create_user(self.session, email, PASSWORD, role)
        self.session.commit()
        return user

    def project(self, owner: User | None = None, template: str = "ner", **settings) -> Project:
        owner = owner or self.user(OrgRole.MANAGER)
        project = create_project(self.session, owner, NewProject(title="Test project", template=template))
        for key, value in settings.items():
            setattr(project, key, value)
        self.session.commit()
        return project

    def member(self, project: Project, user: User, role=None) -> ProjectMember:
        member = ProjectMember(project_id=project.id, user_id=user.id, role=role)
        self.session.add(member)
        self.session.commit()
        return member

    def tasks(self, project: Project, texts: list[str], overlap: int = 1) -> list[Task]:
        rows = [{"project_id": project.id, "data": {"text": t}, "overlap": overlap, "meta": {}} for t in texts]
        ids = self.session.scalars(insert(Task).returning(Task.id, sort_by_parameter_order=True), rows).all()
        add_tasks(project, len(ids), annotations=0)
        self.session.commit()
        return [self.session.get(Task, i) for i in ids]


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page carries in its <meta name="csrf-token">."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no csrf-token meta on {path}"
    return match.group(1)


def login(client, user: User, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )
