"""Reactions of the queue to task changes (see webapp/hooks.py): deleted tasks leave the
project's counters."""
from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.hooks import TasksChange, TasksEvent, on_tasks_change
from webapp.queue.counters import remove_tasks


@on_tasks_change
def tasks_removed(session: Session, event: TasksEvent) -> None:
    if event.change is TasksChange.DELETED:
        remove_tasks(session, event.project, event.task_ids)
