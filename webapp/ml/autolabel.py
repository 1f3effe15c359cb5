"""Autolabeling with quality assurance (AL-1).

Confident predictions (score >= threshold) become annotations marked `from_model`, with
no annotator, except a random audit share that stays in the label stream for people.
The audit's accuracy (human annotation agrees with the model's prediction) comes with a
Wilson 95% interval; auto-acceptance pauses while the interval's lower bound is under
the floor. Each task's fate is kept in Task.meta["autolabel"] so it is decided once.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.ml.jobs import enqueue, job_handler
from webapp.ml.predictions import annotate_from_prediction
from webapp.ml.scoring import result_agreement
from webapp.models import Annotation, Prediction, Project, Task
from webapp.models.ml import AutolabelSettings, BackgroundJob

AUTOLABEL_JOB = "autolabel"
META_KEY = "autolabel"
AUTO, AUDIT = "auto", "audit"
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


def is_audit_task(task: Task) -> bool:
    return ((task.meta or {}).get(META_KEY) or {}).get("state") == AUDIT


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
    settings = settings_of(session, project_id)
    marks = [m[META_KEY] for m in session.scalars(select(Task.meta).where(Task.project_id == project_id))
             if isinstance(m, dict) and m.get(META_KEY)]
    audit_predictions = [m["prediction_id"] for m in marks if m["state"] == AUDIT]
    rows = session.execute(
        select(Annotation.task_id, Annotation.result, Prediction.result)
        .join(Prediction, Prediction.task_id == Annotation.task_id)
        .where(Prediction.id.in_(audit_predictions), Annotation.was_cancelled.is_(False),
               Annotation.from_model.is_(False))
        .order_by(Annotation.id)
    ).all()
    verdicts: dict[int, bool] = {}
    for task_id, human, predicted in rows:  # the first person's annotation decides
        verdicts.setdefault(task_id, result_agreement(predicted, human) == 1.0)
    audited, correct = len(verdicts), sum(verdicts.values())
    low, high = wilson_interval(correct, audited) if audited else (None, None)
    return AuditFigures(
        auto_labeled=sum(1 for m in marks if m["state"] == AUTO), audit_selected=len(audit_predictions),
        audited=audited, correct=correct, accuracy=correct / audited if audited else None,
        low=low, high=high, paused=audited >= MIN_AUDITED and low < settings.accuracy_floor,
    )


def enqueue_autolabel(session: Session, project_id: int, model_version: str) -> BackgroundJob:
    return enqueue(session, AUTOLABEL_JOB, project_id, {"model_version": model_version},
                   dedupe_key=f"autolabel:{project_id}")


def run_autolabel(session: Session, project: Project, model_version: str, rng: random.Random | None = None) -> dict:
    """Decide every confident, untouched task once: audit it or (unless paused) accept it."""
    settings = settings_of(session, project.id)
    if not settings.enabled:
        return {"auto": 0, "audit": 0, "paused": False}
    paused = audit_figures(session, project.id).paused
    rng = rng or random.Random()
    rows = session.execute(
        select(Task, Prediction)
        .join(Prediction, Prediction.task_id == Task.id)
        .where(Task.project_id == project.id, Task.total_annotations == 0, Task.is_labeled.is_(False),
               Prediction.model_version == model_version, Prediction.score >= settings.threshold)
        .order_by(Task.id)
    ).all()
    done = {AUTO: 0, AUDIT: 0}
    for task, prediction in rows:
        if (task.meta or {}).get(META_KEY):
            continue
        state = AUDIT if rng.random() < settings.audit_fraction else AUTO
        if state == AUTO and paused:
            continue  # left undecided: accepted later if the audit recovers
        task.meta = {**(task.meta or {}), META_KEY: {"state": state, "prediction_id": prediction.id}}
        if state == AUTO:
            annotate_from_prediction(session, project, task, prediction, None, from_model=True)
        done[state] += 1
    return {**done, "paused": paused}


@job_handler(AUTOLABEL_JOB)
def autolabel_job(session: Session, job: BackgroundJob) -> str:
    project = session.get(Project, job.project_id)
    counts = run_autolabel(session, project, job.params["model_version"])
    session.commit()
    if counts["paused"]:
        return f"Auto-acceptance paused (audit accuracy under the floor); {counts['audit']} sent to audit."
    return f"Auto-labeled {counts['auto']} task(s); {counts['audit']} sent to audit."
