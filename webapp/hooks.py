"""In-process domain events, so quality, models and webhooks react to annotation and task
changes without the annotation service knowing them.

Listeners run inside the writer's transaction (before its commit): they may add rows or
change counters, and must stay cheap (queue background work instead of doing it).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from importlib import import_module

from sqlalchemy.orm import Session

from webapp.models import Annotation, Project, Task


class AnnotationChange(str, Enum):
    CREATED = "ANNOTATION_CREATED"
    UPDATED = "ANNOTATION_UPDATED"
    DELETED = "ANNOTATION_DELETED"
    SKIPPED = "ANNOTATION_SKIPPED"


@dataclass(frozen=True)
class AnnotationEvent:
    change: AnnotationChange
    project: Project
    task: Task
    annotation: Annotation  # for DELETED: the deleted object, already flushed away
    actor_id: int | None


class TasksChange(str, Enum):
    CREATED = "TASKS_CREATED"
    DELETED = "TASKS_DELETED"


@dataclass(frozen=True)
class TasksEvent:
    change: TasksChange
    project: Project
    task_ids: tuple[int, ...]
    actor_id: int | None


AnnotationListener = Callable[[Session, AnnotationEvent], None]
TasksListener = Callable[[Session, TasksEvent], None]
_annotation_listeners: list[AnnotationListener] = []
_tasks_listeners: list[TasksListener] = []

# Modules that register listeners on import; create_app loads them once.
LISTENER_MODULES = (
    "webapp.quality.listeners",
    "webapp.ml.listeners",
    "webapp.integrations.listeners",
    "webapp.queue.listeners",
)


def on_annotation_change(listener: AnnotationListener) -> AnnotationListener:
    if listener not in _annotation_listeners:
        _annotation_listeners.append(listener)
    return listener


def on_tasks_change(listener: TasksListener) -> TasksListener:
    if listener not in _tasks_listeners:
        _tasks_listeners.append(listener)
    return listener


def annotation_changed(session: Session, event: AnnotationEvent) -> None:
    for listener in _annotation_listeners:
        listener(session, event)


def tasks_changed(session: Session, event: TasksEvent) -> None:
    for listener in _tasks_listeners:
        listener(session, event)


def load_listeners() -> None:
    for name in LISTENER_MODULES:
        import_module(name)
