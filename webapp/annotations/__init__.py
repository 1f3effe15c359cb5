"""Submitting, changing, deleting annotations and drafts, with counters kept current."""
from webapp.annotations.service import (
    AnnotationError,
    Submission,
    delete_annotation,
    save_draft,
    submit_annotation,
    update_annotation,
)

__all__ = [
    "AnnotationError",
    "Submission",
    "delete_annotation",
    "save_draft",
    "submit_annotation",
    "update_annotation",
]
