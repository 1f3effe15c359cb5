"""Saved views ("tabs") of the Data Manager, one set per user (DM-1).

A tab stores its filters as the URL parameters of the query (so opening it is a plain
link), its ordering and its columns. Danger zone drops them all (webapp.tabs, DZ-2).
"""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.data_manager.query import TaskQuery
from webapp.input_limits import control_characters
from webapp.models import DataManagerTab, Project, User

MAX_TABS_PER_USER = 50
_NOT_FILTERS = ("sort", "page", "cols", "size")


class TabError(ValueError):
    """A tab that cannot be saved as asked."""


def _tab_title(title: str | None) -> str:
    """The name to store; NUL and control characters are refused, not stored or stripped."""
    if problem := control_characters(title or ""):
        raise TabError(f"The tab name {problem}.")
    return (title or "").strip()[:200] or "Untitled"


def user_tabs(session: Session, project: Project, user: User) -> list[DataManagerTab]:
    return list(session.scalars(
        select(DataManagerTab)
        .where(DataManagerTab.project_id == project.id, DataManagerTab.user_id == user.id)
        .order_by(DataManagerTab.id)
        .limit(MAX_TABS_PER_USER)
    ))


def save_tab(session: Session, project: Project, user: User, title: str, query: TaskQuery) -> DataManagerTab:
    params = query.params(page=1)
    tab = DataManagerTab(
        project_id=project.id,
        user_id=user.id,
        title=_tab_title(title),
        filters={k: v for k, v in params.items() if k not in _NOT_FILTERS},
        ordering=[query.sort],
        columns=list(query.columns),
    )
    session.add(tab)
    session.commit()
    return tab


def delete_tab(session: Session, project: Project, user: User, tab_id: int) -> bool:
    """Only the owner deletes a tab."""
    result = session.execute(delete(DataManagerTab).where(
        DataManagerTab.id == tab_id, DataManagerTab.project_id == project.id, DataManagerTab.user_id == user.id
    ))
    session.commit()
    return bool(result.rowcount)


def tab_params(tab: DataManagerTab) -> dict[str, str]:
    """The URL parameters that open the tab's view."""
    params = dict(tab.filters or {})
    if tab.ordering:
        params["sort"] = tab.ordering[0]
    if tab.columns:
        params["cols"] = ",".join(tab.columns)
    return {k: str(v) for k, v in params.items()}
