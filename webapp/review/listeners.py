"""Review counters follow every annotation change (registered in webapp/event_registry.py): a new submission
waits for review, a requeued annotation resubmitted by its annotator waits again (REV-3)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.hooks import AnnotationChange, AnnotationEvent
from webapp.models import ReviewState
from webapp.review.actions import resubmitted
from webapp.review.rules import refresh_review_state


def keep_review_state(session: Session, event: AnnotationEvent) -> None:
    if event.change is not AnnotationChange.DELETED and resubmitted(event.annotation, event.actor_id):
        event.annotation.review_state = ReviewState.PENDING
        session.flush()
    refresh_review_state(session, event.project, event.task)
