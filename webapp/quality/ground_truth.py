"""Ground truth (QA-6): one ground-truth annotation per task, and the accuracy of
annotators and of prediction sets measured against it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import exists, or_, select, update
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
    """Mark one annotation (unmarking the task's others) or unmark it; keeps
    has_ground_truth. The caller holds the project and task locks. No commit."""
    if value and annotation.was_cancelled:
        raise GroundTruthError("A skipped annotation cannot be the ground truth.")
    session.flush()
    set_ground_truth_of(session, [annotation.id], value)


def set_ground_truth_of(session: Session, annotation_ids: list[int], value: bool) -> int:
    """The same rule for many annotations at once (bulk actions), in three statements:
    marking makes each the only ground truth of its task (of two given for one task, the
    newest; a skipped or removed one never); unmarking clears them. Keeps
    Task.has_ground_truth; returns how many annotations are now as asked. No commit."""
    stmt = select(Annotation.id, Annotation.task_id).where(Annotation.id.in_(annotation_ids))
    if value:
        stmt = stmt.where(Annotation.was_cancelled.is_(False))
    rows = session.execute(stmt.order_by(Annotation.id)).all()
    chosen = {task_id: annotation_id for annotation_id, task_id in rows}  # the newest per task
    if not chosen:
        return 0
    ids = list(chosen.values()) if value else [annotation_id for annotation_id, _ in rows]
    scope = Annotation.task_id.in_(list(chosen))
    touched = or_(Annotation.ground_truth.is_(True), Annotation.id.in_(ids)) if value else Annotation.id.in_(ids)
    session.execute(
        update(Annotation).where(scope, touched).values(ground_truth=Annotation.id.in_(ids) if value else False)
        .execution_options(synchronize_session=False)
    )
    marked = exists().where(Annotation.task_id == Task.id, Annotation.ground_truth.is_(True))
    session.execute(
        update(Task).where(Task.id.in_(list(chosen))).values(has_ground_truth=marked)
        .execution_options(synchronize_session=False)
    )
    _expire(session, set(chosen))
    return len(ids)


def _expire(session: Session, task_ids: set[int]) -> None:
    """Loaded rows of those tasks read the new flags on their next access."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Annotation) and obj.task_id in task_ids:
            session.expire(obj, ["ground_truth"])
        elif isinstance(obj, Task) and obj.id in task_ids:
            session.expire(obj, ["has_ground_truth"])


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
