"""Saved Data Manager tabs; Danger zone drops them all at once (DZ-2)."""
from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from webapp.models import DataManagerTab, Project


def drop_all_tabs(session: Session, project: Project) -> int:
    """Delete every saved tab of the project, whoever saved it; returns how many."""
    result = session.execute(delete(DataManagerTab).where(DataManagerTab.project_id == project.id))
    return result.rowcount or 0
