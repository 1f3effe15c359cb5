"""Ground truth (QA-6): one ground-truth annotation per task, and the accuracy of
annotators and of prediction sets measured against it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, aliased

from webapp.models import Annotation, Prediction, Project, Task, User
from webapp.quality.agreement import AgreementSettings, pair_agreement

# Accuracy reads the newest ground-truth tasks only, so the dashboard stays bounded.
GROUND_TRUTH_SAMPLE = 2000


class GroundTruthError(ValueError):
    """A refused ground-truth change; the message says why."""


@dataclass(frozen=True)
class Accuracy:
    key: str  # annotator email or model version
    accuracy: float  # mean agreement with ground truth, 0..1
    tasks: int  # ground-truth tasks it is based on


def set_ground_truth(session: Session, annotation: Annotation, value: bool) -> None:
    """Mark (unmarking the task's others) or unmark; keeps has_ground_truth. No commit."""
    if value and annotation.was_cancelled:
        raise GroundTruthError("A skipped annotation cannot be the ground truth.")
    if value:
        unmark_others(session, annotation)
    annotation.ground_truth = value
    session.flush()
    task = session.get(Task, annotation.task_id)
    task.has_ground_truth = bool(session.scalar(select(exists().where(
        Annotation.task_id == task.id, Annotation.ground_truth.is_(True)))))


def unmark_others(session: Session, annotation: Annotation) -> None:
    session.execute(
        update(Annotation)
        .where(Annotation.task_id == annotation.task_id, Annotation.id != annotation.id,
               Annotation.ground_truth.is_(True))
        .values(ground_truth=False)
        .execution_options(synchronize_session="fetch")
    )


def _ground_truth(session: Session, project: Project) -> dict[int, list]:
    rows = session.execute(
        select(Annotation.task_id, Annotation.result)
        .where(Annotation.project_id == project.id, Annotation.ground_truth.is_(True),
               Annotation.was_cancelled.is_(False))
        .order_by(Annotation.task_id.desc())
        .limit(GROUND_TRUTH_SAMPLE)
    )
    return {task_id: result for task_id, result in rows}


def _summarise(scores: dict[str, list[float]]) -> list[Accuracy]:
    out = [Accuracy(key, sum(v) / len(v), len(v)) for key, v in scores.items()]
    return sorted(out, key=lambda a: (-a.accuracy, a.key))


def annotator_accuracy(session: Session, project: Project) -> list[Accuracy]:
    """Each annotator's agreement with the ground truth on the same tasks (the ground
    truth annotation itself excluded)."""
    truth = _ground_truth(session, project)
    if not truth:
        return []
    settings = AgreementSettings.from_project(project)
    other = aliased(Annotation)
    scores: dict[str, list[float]] = defaultdict(list)
    for task_id, result, email in session.execute(
        select(other.task_id, other.result, User.email)
        .join(User, User.id == other.completed_by_id)
        .where(other.task_id.in_(list(truth)), other.ground_truth.is_(False),
               other.was_cancelled.is_(False))
    ):
        scores[email].append(pair_agreement(result, truth[task_id], settings))
    return _summarise(scores)


def model_accuracy(session: Session, project: Project) -> list[Accuracy]:
    """Each prediction set's (model_version's) agreement with the ground truth."""
    truth = _ground_truth(session, project)
    if not truth:
        return []
    settings = AgreementSettings.from_project(project)
    scores: dict[str, list[float]] = defaultdict(list)
    for task_id, result, version in session.execute(
        select(Prediction.task_id, Prediction.result, Prediction.model_version)
        .where(Prediction.project_id == project.id, Prediction.task_id.in_(list(truth)))
    ):
        scores[version or "(no version)"].append(pair_agreement(result, truth[task_id], settings))
    return _summarise(scores)
