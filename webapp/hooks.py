"""In-process domain events, so quality, models and webhooks react to annotation, task and
project changes without the writer knowing them.

Listeners run inside the writer's transaction (before its commit): they may add rows or
change counters, and must stay cheap (queue background work instead of doing it). Which
listeners run, and in which order, is decided in one place: webapp/event_registry.py,
installed by create_app (issue 14 point 2). No module registers itself by being imported.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Annotation, Project, Review, Task, User

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
    # What the created tasks came from, for a listener that records it in the same
    # transaction (a storage sync passes the object's key row: STO-1).
    origin: Any = None


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


@dataclass(frozen=True)
class ProjectUpdatedEvent:
    """A settings save (or another project change) that changed these API fields."""

    project: Project
    actor: User | None
    fields: tuple[str, ...]


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

    def clear(self) -> None:
        self._listeners.clear()

    @property
    def listeners(self) -> list[Callable[[Session, E], None]]:
        return list(self._listeners)


_annotations: _Channel[AnnotationEvent] = _Channel()
_tasks: _Channel[TasksEvent] = _Channel()
_reviews: _Channel[ReviewEvent] = _Channel()
_trainings: _Channel[TrainingEvent] = _Channel()
_projects: _Channel[ProjectUpdatedEvent] = _Channel()
_CHANNELS = (_annotations, _tasks, _reviews, _trainings, _projects)

on_annotation_change, annotation_changed = _annotations.register, _annotations.emit
on_tasks_change, tasks_changed = _tasks.register, _tasks.emit
on_review_change, review_changed = _reviews.register, _reviews.emit
on_training_started, training_started = _trainings.register, _trainings.emit
on_project_updated, project_updated = _projects.register, _projects.emit
CHANNEL_OF = {
    AnnotationEvent: _annotations, TasksEvent: _tasks, ReviewEvent: _reviews,
    TrainingEvent: _trainings, ProjectUpdatedEvent: _projects,
}


def remove_listener(listener: Callable) -> None:
    """Unregister a listener from whichever event it listens to (tests add their own)."""
    for channel in _CHANNELS:
        channel.unregister(listener)


def install(listeners: Iterable[tuple[type, Callable[[Session, Any], None]]]) -> None:
    """Make these (event type, listener) pairs the only listeners, called in this order.

    create_app calls it with webapp.event_registry.LISTENERS; calling it again (a second
    app in the same process) gives the same registry, not a doubled one.
    """
    for channel in _CHANNELS:
        channel.clear()
    for event_type, listener in listeners:
        CHANNEL_OF[event_type].register(listener)


def listeners_of(event_type: type) -> list[Callable]:
    """The listeners of one kind of event, in calling order (tests assert it)."""
    return CHANNEL_OF[event_type].listeners
