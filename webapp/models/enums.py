"""Enumerations named in the guide's words. Values are what the API and forms use."""
from __future__ import annotations

from enum import Enum


class OrgRole(str, Enum):
    OWNER = "owner"
    ADMINISTRATOR = "administrator"
    MANAGER = "manager"
    REVIEWER = "reviewer"
    ANNOTATOR = "annotator"

    @property
    def is_admin(self) -> bool:
        return self in (OrgRole.OWNER, OrgRole.ADMINISTRATOR)

    @property
    def can_manage(self) -> bool:
        return self in (OrgRole.OWNER, OrgRole.ADMINISTRATOR, OrgRole.MANAGER)


class ProjectRole(str, Enum):
    """Project-level override, only for Annotator/Reviewer org roles (MEM-1)."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"


class Distribution(str, Enum):
    AUTO = "auto"
    MANUAL = "manual"


class SkipQueue(str, Enum):
    """Label Studio's own values, so its API clients work unchanged."""

    REQUEUE_FOR_ME = "REQUEUE_FOR_ME"
    REQUEUE_FOR_OTHERS = "REQUEUE_FOR_OTHERS"
    IGNORE_SKIPPED = "IGNORE_SKIPPED"


class Sampling(str, Enum):
    """Label Studio's own values for the `sampling` field."""

    SEQUENTIAL = "Sequential sampling"
    UNIFORM = "Uniform sampling"
    UNCERTAINTY = "Uncertainty sampling"


class ReviewedWhen(str, Enum):
    ONE_ACCEPTED = "one_accepted"
    ALL_PROCESSED = "all_processed"


class RejectOption(str, Enum):
    REQUEUE = "requeue"
    REMOVE = "remove"
    REVIEWER_CHOOSES = "reviewer_chooses"


class LowAgreementStrategy(str, Enum):
    DO_NOTHING = "do_nothing"
    ASSIGN_ADDITIONAL_ANNOTATOR = "assign_additional_annotator"


class AgreementMetric(str, Enum):
    """Per-control-type metrics (QA-4); the project stores one per control type."""

    EXACT_MATCH = "exact_match"
    JACCARD = "jaccard"
    SPAN_F1 = "span_f1"
    SPAN_IOU = "span_iou"
    EDIT_DISTANCE = "edit_distance"
    CLOSENESS = "closeness"
    PATH_OVERLAP = "path_overlap"


DEFAULT_AGREEMENT_METRICS: dict[str, str] = {
    "Choices": AgreementMetric.EXACT_MATCH.value,
    "Labels": AgreementMetric.SPAN_F1.value,
    "TextArea": AgreementMetric.EDIT_DISTANCE.value,
    "Rating": AgreementMetric.CLOSENESS.value,
    "Number": AgreementMetric.CLOSENESS.value,
    "Taxonomy": AgreementMetric.PATH_OVERLAP.value,
}


class AssignmentKind(str, Enum):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"


class ReviewAction(str, Enum):
    ACCEPT = "accept"
    FIX_AND_ACCEPT = "fix_and_accept"
    REJECT_REQUEUE = "reject_requeue"
    REJECT_REMOVE = "reject_remove"
