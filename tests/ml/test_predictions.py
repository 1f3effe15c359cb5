"""Predictions: batch predict (ML-6), prediction sets (PRED-1), sources (LIVE-1, SAMP-3),
training on submission (ML-2), annotations from predictions."""
from __future__ import annotations

from sqlalchemy import select

from tests.ml.conftest import choice_item
from webapp.annotations import Submission, submit_annotation
from webapp.ml.builtin.train import train_builtin
from webapp.ml.pipeline import run_pending_jobs
from webapp.ml.predict import predict_tasks, write_predictions
from webapp.ml.predictions import (create_annotations_from_predictions, delete_prediction_set,
                                   prediction_sets)
from webapp.ml.sources import live_prediction, source_version
from webapp.models import Annotation, OrgRole, Prediction, Task
from webapp.models.ml import BackgroundJob, JobStatus, ModelVersion


def test_batch_predictions_over_selected_tasks_with_progress__ML_6(session, tiny):
    train_builtin(session, tiny.model)
    session.commit()
    chosen = [t.id for t in tiny.tasks[20:25]]
    job = predict_tasks(session, tiny.project, chosen)
    session.commit()
    assert session.scalar(select(Prediction.id)) is None  # nothing on the request thread
    run_pending_jobs(session)
    session.refresh(job)
    assert (job.status, job.progress, job.total) == (JobStatus.DONE, 5, 5)
    predicted = set(session.scalars(select(Prediction.task_id)))
    assert predicted == set(chosen)
    assert all(session.get(Task, i).total_predictions == 1 for i in chosen)
    # Predicting again with the same version replaces, never duplicates.
    predict_tasks(session, tiny.project, chosen)
    session.commit()
    run_pending_jobs(session)
    assert session.query(Prediction).count() == 5 and session.get(Task, chosen[0]).total_predictions == 1


def test_prediction_sets_with_accuracy_and_delete__PRED_1(session, tiny):
    gt = tiny.tasks[0]
    session.execute(Annotation.__table__.update().where(Annotation.task_id == gt.id).values(ground_truth=True))
    wrong = [{**choice_item("neg"), "score": 0.4}]
    right = [{**choice_item("pos"), "score": 0.8}]
    session.add_all([
        Prediction(task_id=gt.id, project_id=tiny.project.id, model_version="a", result=right, score=0.8),
        Prediction(task_id=tiny.tasks[1].id, project_id=tiny.project.id, model_version="a", result=right, score=0.6),
        Prediction(task_id=gt.id, project_id=tiny.project.id, model_version="b", result=wrong, score=0.4),
    ])
    session.commit()
    sets = {s.model_version: s for s in prediction_sets(session, tiny.project.id)}
    assert sets["a"].count == 2 and abs(sets["a"].mean_score - 0.7) < 1e-9 and sets["a"].accuracy == 1.0
    assert sets["b"].count == 1 and sets["b"].accuracy == 0.0 and sets["b"].evaluated == 1
    from webapp.ml.predictions import recount_predictions

    recount_predictions(session, [gt.id])
    session.commit()
    assert session.get(Task, gt.id).total_predictions == 2
    assert delete_prediction_set(session, tiny.project.id, "a") == 2
    session.commit()
    session.expire_all()
    assert [s.model_version for s in prediction_sets(session, tiny.project.id)] == ["b"]
    assert session.get(Task, gt.id).total_predictions == 1 and session.get(Task, tiny.tasks[1].id).total_predictions == 0


def test_model_source_follows_the_newest_version__LIVE_1__SAMP_3(session, tiny):
    tiny.project.live_predictions_source = f"model:{tiny.model.id}"
    first = train_builtin(session, tiny.model)
    write_predictions(session, tiny.project, first, tiny.tasks[20:])
    session.commit()
    assert source_version(session, tiny.project) == first.version
    second = train_builtin(session, tiny.model)
    session.commit()
    assert source_version(session, tiny.project) == first.version  # no predictions of v2 yet
    write_predictions(session, tiny.project, second, tiny.tasks[20:])
    session.commit()
    assert source_version(session, tiny.project) == second.version
    assert live_prediction(session, tiny.project, tiny.tasks[25]).model_version == second.version


def test_retraining_a_live_model_repredicts_and_reorders__SAMP_3(session, tiny):
    from webapp.models import Sampling
    from webapp.queue.next_task import next_task

    tiny.project.live_predictions_source = f"model:{tiny.model.id}"
    tiny.project.sampling = Sampling.UNCERTAINTY
    session.commit()
    from webapp.ml.training import enqueue_training

    enqueue_training(session, tiny.model)
    session.commit()
    run_pending_jobs(session)  # trains, then queues and runs a full prediction pass
    version = session.scalar(select(ModelVersion.version))
    scores = {p.task_id: p.score for p in session.scalars(select(Prediction).where(Prediction.model_version == version))}
    assert len(scores) == 30
    annotator = session.get(type(tiny.user), tiny.user.id)
    fresh = [t.id for t in tiny.tasks[20:]]
    task = next_task(session, tiny.project.id, annotator.id)
    assert task.id == min(fresh, key=lambda i: (scores[i], i))  # least confident first


def test_submission_queues_one_debounced_training__ML_2(session, factory, tiny):
    tiny.project.start_training_on_annotation_update = True
    session.commit()
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(tiny.project, annotator)
    for task in tiny.tasks[20:23]:
        submit_annotation(session, task.id, annotator, Submission(result=[choice_item("pos")]))
    jobs = session.scalars(select(BackgroundJob)).all()
    assert len(jobs) == 1 and jobs[0].kind == "train" and jobs[0].status is JobStatus.PENDING
    assert session.scalar(select(ModelVersion.id)) is None  # not trained on the request thread
    run_pending_jobs(session)
    assert session.scalar(select(ModelVersion.metrics))["intent"]["examples"] == 23


def test_no_training_when_the_toggle_is_off__ML_2(session, factory, tiny):
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(tiny.project, annotator)
    submit_annotation(session, tiny.tasks[20].id, annotator, Submission(result=[choice_item("pos")]))
    assert session.scalar(select(BackgroundJob.id)) is None


def test_create_annotations_from_predictions(session, tiny):
    version = train_builtin(session, tiny.model)
    write_predictions(session, tiny.project, version, tiny.tasks[20:])
    session.commit()
    ids = [t.id for t in tiny.tasks[20:23]]
    assert create_annotations_from_predictions(session, tiny.project, ids, version.version, tiny.user.id) == 3
    session.commit()
    made = session.scalars(select(Annotation).where(Annotation.task_id.in_(ids))).all()
    assert {a.completed_by_id for a in made} == {tiny.user.id} and all(a.parent_prediction_id for a in made)
    assert all(session.get(Task, i).is_labeled for i in ids)
    # A second run adds nothing for tasks the user already annotated.
    assert create_annotations_from_predictions(session, tiny.project, ids, version.version, tiny.user.id) == 0


def test_data_manager_actions_queue_predictions_and_create_annotations__ML_6(session, tiny):
    from webapp.data_manager import get_action

    train_builtin(session, tiny.model)
    session.commit()
    ids = [t.id for t in tiny.tasks[20:24]]
    message = get_action("predict").run(session, tiny.project, tiny.user, ids)
    assert "in the background" in message
    run_pending_jobs(session)
    assert set(session.scalars(select(Prediction.task_id))) == set(ids)
    message = get_action("annotations_from_predictions").run(session, tiny.project, tiny.user, ids[:2])
    assert message.startswith("Created 2 annotation(s)")
