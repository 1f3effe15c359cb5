"""Reactions of the queue to task changes (registered in webapp/event_registry.py): deleted tasks leave the
project's counters."""
from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.hooks import TasksChange, TasksEvent
from webapp.queue.counters import remove_tasks


def tasks_removed(session: Session, event: TasksEvent) -> None:
    if event.change is TasksChange.DELETED:
        remove_tasks(session, event.project, event.task_ids)
