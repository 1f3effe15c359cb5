"""SQLAlchemy models, one module per aggregate; import them from here."""
from webapp.models.annotation import Annotation, Comment, Draft, Prediction, Review
from webapp.models.enums import (
    AgreementMetric,
    AssignmentKind,
    Distribution,
    LowAgreementStrategy,
    OrgRole,
    ProjectRole,
    RejectOption,
    ReviewAction,
    ReviewedWhen,
    Sampling,
    SkipQueue,
)
from webapp.models.organization import Organization, User, UserLogin, Workspace, WorkspaceMember
from webapp.models.event import ProjectEvent
from webapp.models.integration import Storage, StorageObject, StorageSyncRun, Webhook, WebhookDelivery
from webapp.models.ml import (  # noqa: F401
    AutolabelDecision, AutolabelSettings, AutolabelState, BackgroundJob, MLModel, ModelVersion,
)
from webapp.models.project import Project, ProjectMember
from webapp.models.review_state import ReviewState
from webapp.models.tab import DataManagerTab
from webapp.models.task import Reservation, Task, TaskAssignment

__all__ = [
    "AgreementMetric", "Annotation", "AssignmentKind", "Comment", "DataManagerTab", "Distribution",
    "Draft", "LowAgreementStrategy", "OrgRole", "Organization", "Prediction", "Project",
    "ProjectEvent", "ProjectMember", "ProjectRole", "RejectOption", "Reservation", "Review", "ReviewAction", "ReviewState",
    "ReviewedWhen", "Sampling", "SkipQueue", "Task", "TaskAssignment", "User", "UserLogin", "Workspace",
    "WorkspaceMember", "Storage", "StorageObject", "StorageSyncRun", "Webhook", "WebhookDelivery",
]
