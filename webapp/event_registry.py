"""Every domain event listener, in the one order they run (issue 14 point 2).

create_app installs LISTENERS into webapp.hooks. The order is the design: state first
(review counters, then agreement and the low-agreement decision, then model training,
then the queue's counters and storage bookkeeping), outbound integrations last, so a
webhook payload shows the state the transaction commits.
"""
from __future__ import annotations

from webapp.hooks import AnnotationEvent, ProjectUpdatedEvent, ReviewEvent, TasksEvent, TrainingEvent
from webapp.integrations import listeners as integrations
from webapp.io.storage import sync as storage
from webapp.ml import listeners as ml
from webapp.quality import listeners as quality
from webapp.queue import listeners as queue
from webapp.review import listeners as review

LISTENERS = (
    (AnnotationEvent, review.keep_review_state),
    (AnnotationEvent, quality.keep_agreement_current),
    (AnnotationEvent, ml.train_on_submission),
    (TasksEvent, queue.tasks_removed),
    (TasksEvent, storage.remember_object),
    # Integrations last: webhooks and target storages see the final state.
    (AnnotationEvent, integrations.annotation_webhooks),
    (TasksEvent, integrations.tasks_webhooks),
    (ReviewEvent, integrations.review_webhooks),
    (TrainingEvent, integrations.training_webhooks),
    (ProjectUpdatedEvent, integrations.project_updated_webhooks),
)
