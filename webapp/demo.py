"""Demo organisation, users and projects for `make run` (idempotent)."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.accounts import create_user, default_organization, get_or_create_workspace
from webapp.io import import_records
from webapp.models import OrgRole, Project, User, WorkspaceMember
from webapp.projects import NewProject, create_project

DEMO_PASSWORD = "quorum-demo"
DEMO_USERS = [
    ("admin@quorum.local", OrgRole.OWNER, "Olivia Owner"),
    ("manager@quorum.local", OrgRole.MANAGER, "Maya Manager"),
    ("annotator1@quorum.local", OrgRole.ANNOTATOR, "Ada Annotator"),
    ("annotator2@quorum.local", OrgRole.ANNOTATOR, "Ali Annotator"),
    ("reviewer@quorum.local", OrgRole.REVIEWER, "Rita Reviewer"),
]
DATA_DIR = Path(__file__).parent / "seed_data"

NER_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="person" background="#f97316" hotkey="p"/>
    <Label value="location" background="#0ea5e9" hotkey="l"/>
    <Label value="group" background="#a855f7" hotkey="g"/>
    <Label value="corporation" background="#22c55e" hotkey="c"/>
    <Label value="product" background="#eab308" hotkey="r"/>
    <Label value="creative-work" background="#ec4899" hotkey="w"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"""

SCENARIOS = ["calendar", "play", "qa", "email", "weather", "general", "iot", "lists", "transport"]
INTENT_CONFIG = (
    '<View>\n  <Text name="text" value="$text"/>\n'
    '  <Choices name="scenario" toName="text" choice="single">\n'
    + "".join(f'    <Choice value="{s}"/>\n' for s in SCENARIOS)
    + "  </Choices>\n</View>"
)


def _users(session: Session) -> list[User]:
    org = default_organization(session)
    users = []
    for email, role, name in DEMO_USERS:
        user = session.scalar(select(User).where(User.email == email))
        users.append(user or create_user(session, email, DEMO_PASSWORD, role, org, name))
    return users


def _records(filename: str) -> list[dict]:
    lines = (DATA_DIR / filename).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def seed_demo(session: Session) -> list[User]:
    users = _users(session)
    owner, manager = users[0], users[1]
    workspace = get_or_create_workspace(session, owner.organization_id, "Demo workspace")
    for user in users[1:]:
        if session.scalar(select(WorkspaceMember.id).where(
            WorkspaceMember.workspace_id == workspace.id, WorkspaceMember.user_id == user.id
        )) is None:
            session.add(WorkspaceMember(workspace_id=workspace.id, user_id=user.id))
    _project(session, manager, workspace.id, "Social media entities (WNUT17)", NER_CONFIG, "#f97316",
             [{"text": r["text"]} for r in _records("wnut17_sample.jsonl")])
    _project(session, manager, workspace.id, "Assistant commands: scenario (SLURP)", INTENT_CONFIG,
             "#0ea5e9", [{"text": r["text"]} for r in _records("slurp_sample.jsonl")
                         if r["label"] in SCENARIOS])
    session.commit()
    return users


def _project(session, manager, workspace_id, title, config, color, data_rows) -> None:
    if session.scalar(select(Project.id).where(Project.title == title)) is not None:
        return
    project = create_project(session, manager, NewProject(
        title=title, label_config=config, color=color, workspace_id=workspace_id,
        description="Demo project with CC BY 4.0 data (see webapp/seed_data/README.md).",
    ))
    session.flush()
    import_records(session, project, manager, [{"data": row} for row in data_rows])
