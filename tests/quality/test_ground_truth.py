"""QA_6: one ground truth per task; annotator and model accuracy against it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.quality.helpers import choice, sentiment_project, submit
from webapp.annotations import update_annotation
from webapp.models import Annotation, Prediction, Task
from webapp.quality.ground_truth import (
    GroundTruthError,
    annotator_accuracy,
    model_accuracy,
    set_ground_truth,
)


def _truths(session, task):
    session.expire_all()
    return session.scalars(select(Annotation.id).where(
        Annotation.task_id == task.id, Annotation.ground_truth.is_(True))).all()


def test_QA_6_one_ground_truth_per_task(session, factory):
    project, (a, b), (task,) = sentiment_project(factory)
    first = submit(session, task, a, "Positive")
    second = submit(session, task, b, "Negative")
    set_ground_truth(session, first, True)
    session.commit()
    assert _truths(session, task) == [first.id]
    set_ground_truth(session, second, True)
    session.commit()
    assert _truths(session, task) == [second.id]
    assert session.get(Task, task.id).has_ground_truth
    set_ground_truth(session, second, False)
    session.commit()
    assert _truths(session, task) == []
    assert not session.get(Task, task.id).has_ground_truth


def test_QA_6_ground_truth_through_the_annotation_update_path_stays_unique(session, factory):
    project, (a, b), (task,) = sentiment_project(factory)
    first = submit(session, task, a, "Positive", ground_truth=True)
    second = submit(session, task, b, "Negative")
    update_annotation(session, second, {"ground_truth": True})
    assert _truths(session, task) == [second.id]
    assert first.id not in _truths(session, task)


def test_QA_6_a_skip_cannot_be_ground_truth(session, factory):
    project, (a, _), (task,) = sentiment_project(factory)
    skip = submit(session, task, a, was_cancelled=True)
    with pytest.raises(GroundTruthError):
        set_ground_truth(session, skip, True)


def test_QA_6_annotator_and_model_accuracy(session, factory):
    project, (expert, good, poor), tasks = sentiment_project(factory, annotators=3, n_tasks=3)
    truth = ["Positive", "Negative", "Neutral"]
    for task, value in zip(tasks, truth):
        set_ground_truth(session, submit(session, task, expert, value), True)
        session.commit()
    for task, value in zip(tasks[:2], truth[:2]):
        submit(session, task, good, value)
    submit(session, tasks[0], poor, "Negative")  # wrong on its only ground-truth task
    submit(session, tasks[1], poor, "Negative")  # right
    for task, value in zip(tasks, ["Positive", "Positive", "Neutral"]):
        session.add(Prediction(task_id=task.id, project_id=project.id, result=choice(value),
                               model_version="v1"))
    session.add(Prediction(task_id=tasks[0].id, project_id=project.id, result=[], model_version="v0"))
    session.commit()
    by_user = {acc.key: (acc.accuracy, acc.tasks) for acc in annotator_accuracy(session, project)}
    assert by_user == {good.email: (1.0, 2), poor.email: (0.5, 2)}  # the expert's own GT excluded
    by_model = {acc.key: (round(acc.accuracy, 4), acc.tasks) for acc in model_accuracy(session, project)}
    assert by_model == {"v1": (0.6667, 3), "v0": (0.0, 1)}


def test_QA_6_no_ground_truth_no_accuracy(session, factory):
    project, _, _ = sentiment_project(factory)
    assert annotator_accuracy(session, project) == []
    assert model_accuracy(session, project) == []
