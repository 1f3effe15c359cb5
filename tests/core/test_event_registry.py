"""Issue 14 point 2: one ordered event registry, built by create_app, none by import."""
from __future__ import annotations

import importlib

from webapp import hooks
from webapp.event_registry import LISTENERS
from webapp.hooks import AnnotationEvent, ProjectUpdatedEvent, ReviewEvent, TasksEvent, TrainingEvent, listeners_of

LISTENER_MODULES = (
    "webapp.review.listeners", "webapp.quality.listeners", "webapp.ml.listeners",
    "webapp.queue.listeners", "webapp.integrations.listeners",
)


def _modules(event_type) -> list[str]:
    return [listener.__module__ for listener in listeners_of(event_type)]


def test_issue14_point2_annotation_listeners_run_review_quality_ml_then_integrations(app):
    assert _modules(AnnotationEvent) == [
        "webapp.review.listeners", "webapp.quality.listeners", "webapp.ml.listeners",
        "webapp.integrations.listeners",
    ]
    assert _modules(TasksEvent) == [
        "webapp.queue.listeners", "webapp.io.storage.sync", "webapp.integrations.listeners",
    ]


def test_issue14_point2_integrations_listen_last_to_every_event(app):
    for event_type in (AnnotationEvent, TasksEvent, ReviewEvent, TrainingEvent, ProjectUpdatedEvent):
        assert _modules(event_type)[-1] == "webapp.integrations.listeners", event_type


def test_issue14_point2_importing_a_listener_module_registers_nothing(app):
    hooks.install(())
    try:
        for name in LISTENER_MODULES:
            importlib.reload(importlib.import_module(name))
        for event_type in (AnnotationEvent, TasksEvent, ReviewEvent, TrainingEvent, ProjectUpdatedEvent):
            assert listeners_of(event_type) == [], event_type
    finally:
        hooks.install(LISTENERS)


def test_issue14_point2_installing_twice_does_not_double_listeners(app):
    before = listeners_of(AnnotationEvent)
    hooks.install(LISTENERS)
    assert listeners_of(AnnotationEvent) == before
