"""Autolabeling with quality assurance (AL-1).

Confident predictions (score >= threshold) become annotations marked `from_model`, with
no annotator, except a random audit share that stays in the label stream for people.
The audit's accuracy (human annotation agrees with the model's prediction) comes with a
Wilson 95% interval; auto-acceptance pauses while the interval's lower bound is under
the floor. Each task's fate is an AutolabelDecision row, so it is decided once.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from webapp.dbutil import batches, lock_project
from webapp.ml.jobs import fence, job_handler
from webapp.ml.predictions import annotate_from_prediction
from webapp.ml.scoring import result_agreement
from webapp.ml.stages import JobKind
from webapp.models import Annotation, Prediction, Project, Task
from webapp.models.ml import AutolabelDecision, AutolabelSettings, AutolabelState, BackgroundJob

AUTOLABEL_JOB = JobKind.AUTOLABEL
MIN_AUDITED = 10  # fewer answered audits say too little to pause on
Z95 = 1.959963984540054


@dataclass(frozen=True)
class AuditFigures:
    auto_labeled: int
    audit_selected: int
    audited: int  # audit tasks a person has annotated
    correct: int
    accuracy: float | None
    low: float | None
    high: float | None
    paused: bool
    floor: float  # the accuracy floor the interval's lower bound is held to


def is_audit_task(session: Session, task_id: int) -> bool:
    decision = session.get(AutolabelDecision, task_id)
    return decision is not None and decision.state is AutolabelState.AUDIT


def wilson_interval(correct: int, n: int, z: float = Z95) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def settings_of(session: Session, project_id: int) -> AutolabelSettings:
    settings = session.get(AutolabelSettings, project_id)
    if settings is None:
        settings = AutolabelSettings(project_id=project_id, enabled=False, threshold=0.9,
                                     audit_fraction=0.1, accuracy_floor=0.9)
        session.add(settings)
        session.flush()
    return settings


def audit_figures(session: Session, project_id: int) -> AuditFigures:
    """From the project's decisions (ix_autolabel_decision_project_id) and the audited
    tasks' annotations: cost follows the audit, not the project."""
    settings = settings_of(session, project_id)
    counts = dict(session.execute(
        select(AutolabelDecision.state, func.count()).where(AutolabelDecision.project_id == project_id)
        .group_by(AutolabelDecision.state)
    ).all())
    rows = session.execute(
        select(Annotation.task_id, Annotation.result, Prediction.result)
        .join(AutolabelDecision, AutolabelDecision.task_id == Annotation.task_id)
        .join(Prediction, Prediction.id == AutolabelDecision.prediction_id)
        .where(AutolabelDecision.project_id == project_id, AutolabelDecision.state == AutolabelState.AUDIT,
               Annotation.was_cancelled.is_(False), Annotation.from_model.is_(False))
        .order_by(Annotation.id)
    ).all()
    verdicts: dict[int, bool] = {}
    for task_id, human, predicted in rows:  # the first person's annotation decides
        verdicts.setdefault(task_id, result_agreement(predicted, human) == 1.0)
    audited, correct = len(verdicts), sum(verdicts.values())
    low, high = wilson_interval(correct, audited) if audited else (None, None)
    return AuditFigures(
        auto_labeled=counts.get(AutolabelState.AUTO, 0), audit_selected=counts.get(AutolabelState.AUDIT, 0),
        audited=audited, correct=correct, accuracy=correct / audited if audited else None,
        low=low, high=high, paused=audited >= MIN_AUDITED and low < settings.accuracy_floor,
        floor=settings.accuracy_floor,
    )


def autolabel_summary(session: Session, project_id: int) -> AuditFigures | None:
    """The dashboard's AL-1 panel: figures once autolabeling is on or has decided a task."""
    decided = session.scalar(select(AutolabelDecision.task_id).where(AutolabelDecision.project_id == project_id).limit(1))
    settings = session.get(AutolabelSettings, project_id)
    if decided is None and (settings is None or not settings.enabled):
        return None
    return audit_figures(session, project_id)


def _undecided(project_id: int, model_version: str, threshold: float) -> list:
    """Confident predictions on untouched tasks that have no decision yet."""
    return [Task.project_id == project_id, Task.total_annotations == 0, Task.is_labeled.is_(False),
            Prediction.model_version == model_version, Prediction.score >= threshold,
            ~exists().where(AutolabelDecision.task_id == Task.id)]


def run_autolabel(session: Session, project: Project, model_version: str, rng: random.Random | None = None,
                  job: BackgroundJob | None = None) -> dict:
    """Decide every confident, untouched task once: audit it or (unless paused) accept it.
    One short write transaction per batch of tasks (each committed), the conditions read
    again under the lock, so annotators and other writers get in between batches. Run as
    `job`, each batch commits only while the job's claim is current (ClaimLost otherwise)."""
    settings = settings_of(session, project.id)
    if not settings.enabled:
        return {"auto": 0, "audit": 0, "paused": False}
    paused = audit_figures(session, project.id).paused
    project_id, audit_fraction = project.id, settings.audit_fraction
    conditions = _undecided(project_id, model_version, settings.threshold)
    candidates = list(session.scalars(
        select(Task.id).join(Prediction, Prediction.task_id == Task.id).where(*conditions).order_by(Task.id).distinct()
    ))
    rng = rng or random.Random()
    done = {AutolabelState.AUTO: 0, AutolabelState.AUDIT: 0}
    for batch in batches(session, candidates):
        project = lock_project(session, project_id)  # its counters change with each annotation
        rows = session.execute(
            select(Task, Prediction).join(Prediction, Prediction.task_id == Task.id)
            .where(Task.id.in_(batch), *conditions).order_by(Task.id)
        ).all()
        for task, prediction in rows:
            audit = rng.random() < audit_fraction
            if not audit and paused:
                continue  # left undecided: accepted later if the audit recovers
            state = AutolabelState.AUDIT if audit else AutolabelState.AUTO
            session.add(AutolabelDecision(task_id=task.id, project_id=project_id, state=state,
                                          prediction_id=prediction.id))
            if state is AutolabelState.AUTO:
                annotate_from_prediction(session, project, task, prediction, None, from_model=True)
            done[state] += 1
        if job is not None:
            fence(session, job)
        session.commit()
    return {"auto": done[AutolabelState.AUTO], "audit": done[AutolabelState.AUDIT], "paused": paused}


@job_handler(AUTOLABEL_JOB)
def autolabel_job(session: Session, job: BackgroundJob) -> str:
    project = session.get(Project, job.project_id)
    counts = run_autolabel(session, project, job.params["model_version"], job=job)  # commits batch by batch
    if counts["paused"]:
        return f"Auto-acceptance paused (audit accuracy under the floor); {counts['audit']} sent to audit."
    return f"Auto-labeled {counts['auto']} task(s); {counts['audit']} sent to audit."
