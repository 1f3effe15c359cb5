"""Background re-evaluation (QA-5): tasks whose quality settings changed, and flagged
tasks that a newly added annotator may now unblock. Idempotent, so overlapping runs in
several processes only repeat work."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.dbutil import lock_project
from webapp.models import ProjectEvent, Task
from webapp.quality.low_agreement import apply_strategy, project_annotator_ids
from webapp.quality.refresh import recompute_project

# API names of the settings that change a task's agreement or completion.
QUALITY_SETTINGS = frozenset({
    "label_config", "agreement_metrics", "label_weights", "span_iou_threshold",
    "low_agreement_strategy", "agreement_threshold", "max_additional_annotators",
    "maximum_annotations", "overlap_cohort_percentage", "distribution", "skip_queue",
})
FLAGGED_BATCH = 1000


def changed_project_ids(session: Session, since: datetime) -> list[int]:
    rows = session.execute(
        select(ProjectEvent.project_id, ProjectEvent.fields).where(ProjectEvent.created_at >= since)
    ).all()
    return sorted({pid for pid, fields in rows if QUALITY_SETTINGS.intersection(fields or [])})


def reevaluate_changed_projects(session: Session, since: datetime) -> int:
    """Recompute every task of the projects whose quality settings changed since `since`;
    one transaction per project; returns the number of tasks."""
    done = 0
    for project_id in changed_project_ids(session, since):
        project = lock_project(session, project_id)
        if project is not None:
            done += recompute_project(session, project)
        session.commit()
    return done


def reevaluate_flagged(session: Session, batch: int = FLAGGED_BATCH) -> int:
    """Give flagged tasks another annotator where one became available; commits."""
    project_ids = sorted(set(session.scalars(
        select(Task.project_id).where(Task.needs_attention.is_(True)).limit(batch)
    )))
    done = 0
    for project_id in project_ids:
        project = lock_project(session, project_id)
        if project is None:
            session.commit()
            continue
        annotators = project_annotator_ids(session, project)
        tasks = session.scalars(
            select(Task).where(Task.project_id == project_id, Task.needs_attention.is_(True))
            .order_by(Task.id).limit(batch).with_for_update()
        ).all()
        for task in tasks:
            apply_strategy(session, project, task, annotators)
        done += len(tasks)
        session.commit()
    return done
