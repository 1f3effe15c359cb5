"""Review rules (REV-1..8): the review stream, review actions, review counters, my work."""
from webapp.review import listeners  # noqa: F401 - keeps review counters on annotation changes
from webapp.review.actions import Decision, decision_from, review_annotation
from webapp.review.ground_truth import mark_ground_truth
from webapp.review.rules import ReviewError, reject_actions
from webapp.review.stream import next_review, next_task_to_review, task_for_review

__all__ = [
    "Decision",
    "ReviewError",
    "decision_from",
    "mark_ground_truth",
    "next_review",
    "next_task_to_review",
    "reject_actions",
    "review_annotation",
    "task_for_review",
]
