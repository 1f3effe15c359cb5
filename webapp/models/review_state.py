"""Where an annotation stands in review (REV-2, REV-3); stored on Annotation.review_state."""
from __future__ import annotations

from enum import Enum


class ReviewState(str, Enum):
    PENDING = "pending"  # submitted, waiting for a reviewer (or resubmitted after a requeue)
    ACCEPTED = "accepted"  # accepted as is, or fixed and accepted
    REJECTED_REQUEUED = "rejected_requeued"  # back with its annotator for a fix
    REJECTED_REMOVED = "rejected_removed"  # rejected and cancelled (was_cancelled = true)
