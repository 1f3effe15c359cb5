"""PROJECT_UPDATED events: every settings save records who changed which fields (issue 3,
item 9); the General history lists them, and the event goes out through the event
channels (webapp/hooks.py), where the webhooks listener delivers it (issue 14 point 1)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from webapp.hooks import ProjectUpdatedEvent, project_updated
from webapp.models import Project, ProjectEvent, User
from webapp.models.event import PROJECT_UPDATED

HISTORY_LENGTH = 20


def record_project_updated(
    session: Session, project: Project, actor: User | None, fields: list[str]
) -> ProjectEvent | None:
    """Record a change; a save that changed nothing records nothing."""
    if not fields:
        return None
    event = ProjectEvent(
        project_id=project.id,
        actor_id=actor.id if actor else None,
        event=PROJECT_UPDATED,
        fields=sorted(set(fields)),
    )
    session.add(event)
    project_updated(session, ProjectUpdatedEvent(project, actor, tuple(event.fields)))  # same transaction
    return event


def project_history(session: Session, project: Project, limit: int = HISTORY_LENGTH) -> list[ProjectEvent]:
    """The latest events, newest first, with their actors loaded."""
    return list(
        session.scalars(
            select(ProjectEvent)
            .options(joinedload(ProjectEvent.actor))
            .where(ProjectEvent.project_id == project.id)
            .order_by(ProjectEvent.created_at.desc(), ProjectEvent.id.desc())
            .limit(limit)
        )
    )
