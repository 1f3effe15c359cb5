"""In-process domain events, so quality, models and webhooks react to annotation and task
changes without the annotation service knowing them.

Listeners run inside the writer's transaction (before its commit): they may add rows or
change counters, and must stay cheap (queue background work instead of doing it).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar
from importlib import import_module

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Annotation, Project, Review, Task

E = TypeVar("E")


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


class ReviewChange(str, Enum):
    CREATED = "REVIEW_CREATED"
    UPDATED = "REVIEW_UPDATED"


@dataclass(frozen=True)
class ReviewEvent:
    """A reviewer's decision on an annotation: the first one CREATED, a later one by the
    same reviewer on the same annotation UPDATED (Label Studio keeps one review per
    reviewer and annotation; Quorum keeps each decision as a row)."""

    change: ReviewChange
    project: Project
    task: Task
    annotation: Annotation
    review: Review

    @classmethod
    def of(cls, session: Session, project: Project, task: Task, annotation: Annotation, review: Review) -> ReviewEvent:
        earlier = session.scalar(
            select(Review.id).where(
                Review.annotation_id == annotation.id, Review.reviewer_id == review.reviewer_id,
                Review.id != review.id,
            ).limit(1)
        )
        change = ReviewChange.CREATED if earlier is None else ReviewChange.UPDATED
        return cls(change, project, task, annotation, review)


@dataclass(frozen=True)
class TrainingEvent:
    """A training job of a model connection starts (Label Studio's START_TRAINING)."""

    project_id: int
    model_id: int
    job_id: int | None = None


class _Channel(Generic[E]):
    """The listeners of one kind of event, called in registration order."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[Session, E], None]] = []

    def register(self, listener: Callable[[Session, E], None]) -> Callable[[Session, E], None]:
        if listener not in self._listeners:
            self._listeners.append(listener)
        return listener

    def unregister(self, listener: Callable) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, session: Session, event: E) -> None:
        for listener in self._listeners:
            listener(session, event)


_annotations: _Channel[AnnotationEvent] = _Channel()
_tasks: _Channel[TasksEvent] = _Channel()
_reviews: _Channel[ReviewEvent] = _Channel()
_trainings: _Channel[TrainingEvent] = _Channel()

on_annotation_change, annotation_changed = _annotations.register, _annotations.emit
on_tasks_change, tasks_changed = _tasks.register, _tasks.emit
on_review_change, review_changed = _reviews.register, _reviews.emit
on_training_started, training_started = _trainings.register, _trainings.emit


def remove_listener(listener: Callable) -> None:
    """Unregister a listener from whichever event it listens to (tests add their own)."""
    for channel in (_annotations, _tasks, _reviews, _trainings):
        channel.unregister(listener)


# Modules that register listeners on import; create_app loads them once.
LISTENER_MODULES = (
    "webapp.quality.listeners",
    "webapp.ml.listeners",
    "webapp.integrations.listeners",
    "webapp.queue.listeners",
)


def load_listeners() -> None:
    for name in LISTENER_MODULES:
        import_module(name)
