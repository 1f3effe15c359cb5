"""The Review settings form (REV-1..8)."""
from __future__ import annotations

from webapp.forms.settings_shared import HelpRadioField, SettingsForm, instructions_field, setting_checkbox
from webapp.models import RejectOption, ReviewedWhen

REVIEWED_WHEN = [
    (ReviewedWhen.ONE_ACCEPTED.value, "Mark task as reviewed after it has at least 1 accepted annotation",
     "In a task where multiple annotators submitted labels, the reviewer only needs to accept one to "
     "consider the task reviewed."),
    (ReviewedWhen.ALL_PROCESSED.value, "Mark task as reviewed after all annotations are processed",
     "In a task where multiple annotators submitted labels, the reviewer needs to accept or reject "
     "annotations submitted by all annotators."),
]
REJECT_OPTIONS = [
    (RejectOption.REQUEUE.value, "Requeue rejected tasks back to annotators",
     "When a reviewer clicks Reject, the annotation is reassigned back to the annotator."),
    (RejectOption.REMOVE.value, "Remove rejected tasks from labeling queue",
     "When a reviewer clicks Reject, the annotation is not reassigned back to the annotator."),
    (RejectOption.REVIEWER_CHOOSES.value, "Allow reviewer to choose: Requeue or Remove",
     "Reviewers see Accept, Remove (the annotation is rejected, marked cancelled and removed from the "
     "labeling queue) and Requeue (the annotation is rejected and reassigned back to the annotator)."),
]


class ReviewForm(SettingsForm):
    review_instruction = instructions_field("Instructions", "review_instruction")
    show_review_instruction = setting_checkbox("Show before reviewing", "show_review_instruction")
    reviewed_when = HelpRadioField("Reviewing options", "reviewed_when", REVIEWED_WHEN)
    reject_option = HelpRadioField("Reject options", "reject_option", REJECT_OPTIONS)
    review_only_assigned = setting_checkbox(
        "Review only manually assigned tasks", "review_only_assigned",
        "If enabled, a reviewer can only see tasks to which they've been assigned. Otherwise, they can view "
        "all tasks that are ready for review.",
    )
    review_only_finished = setting_checkbox(
        "Show only finished tasks in the review stream", "review_only_finished",
        "A reviewer only sees tasks that have been completed by all required annotators: the Annotations "
        "per task minimum (Auto), or every assigned annotator (Manual). Skipped tasks do not count.",
    )
    show_data_manager_to_reviewers = setting_checkbox(
        "Show the Data Manager to reviewers", "show_data_manager_to_reviewers",
        "When disabled, reviewers can only enter the review stream. When enabled, they can access the Data "
        "Manager, without columns such as who the other Reviewers are.",
    )
    require_comment_on_reject = setting_checkbox(
        "Reviewers must leave a comment on reject", "require_comment_on_reject",
        "When rejecting a task, the reviewer must leave a comment.",
    )
    show_agreement_to_reviewers = setting_checkbox(
        "Show agreement to reviewers in the Data Manager", "show_agreement_to_reviewers",
        "If reviewers can view the Data Manager, this setting controls whether they can access the Agreement column.",
    )
