"""Issue 13 point 8: a job whose claim is no longer current (re-claimed by another worker,
or failed) writes no more progress and no results; the current claim's row is untouched."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.ml.conftest import choice_item
from webapp.ml import predict
from webapp.ml.autolabel import run_autolabel, settings_of
from webapp.ml.builtin.train import train_builtin
from webapp.ml.jobs import (
    ClaimLost, claim_next, enqueue, fence, job_handler, recover_stale_jobs, report_progress, run_job,
)
from webapp.ml.training import enqueue_training
from webapp.models import Annotation, AutolabelDecision, Prediction
from webapp.models._types import utcnow
from webapp.models.ml import BackgroundJob, JobStatus, ModelVersion

LATE = []  # what a handler did after its claim was taken over (must stay empty)


@job_handler("test-fencing")
def _reports_then_continues(session, job):
    report_progress(session, job, 5, 10)
    LATE.append(job.id)
    return "finished"


def _another_worker_takes_over(session, job_id: int, max_attempts: int = 3) -> None:
    """What another process does to a job it presumes dead: recover it (requeue, or fail it
    after `max_attempts`) and, when requeued, claim it again. Its own session, as a worker's."""
    session.commit()  # the old worker is between two steps, with no transaction open
    with Session(session.get_bind()) as other:
        long_ago = utcnow().replace(year=2000)
        other.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(heartbeat_at=long_ago))
        other.commit()
        assert recover_stale_jobs(other, max_attempts=max_attempts) == 1
        if max_attempts > 1:
            assert claim_next(other).id == job_id


def _claimed(session, project_id: int, kind: str = "test-fencing") -> BackgroundJob:
    enqueue(session, kind, project_id)
    session.commit()
    return claim_next(session)


def _row(session, job_id: int) -> BackgroundJob:
    session.rollback()  # a fresh snapshot: other sessions wrote meanwhile
    return session.get(BackgroundJob, job_id, populate_existing=True)


def test_issue_13_point_8_a_reclaimed_job_cannot_advance_progress(session, factory):
    job = _claimed(session, factory.project().id)
    _another_worker_takes_over(session, job.id)
    with pytest.raises(ClaimLost):
        report_progress(session, job, 7, 10)
    row = _row(session, job.id)
    assert (row.status, row.attempts, row.progress, row.total) == (JobStatus.RUNNING, 2, 0, 0)


def test_issue_13_point_8_a_failed_job_cannot_store_results(session, factory, tiny):
    job = _claimed(session, tiny.project.id)
    _another_worker_takes_over(session, job.id, max_attempts=1)  # gave up: FAILED
    train_builtin(session, tiny.model)  # the old worker's result, in its write transaction...
    with pytest.raises(ClaimLost):
        fence(session, job)  # ...is rolled back with the fence
    assert session.scalar(select(func.count()).select_from(ModelVersion)) == 0
    assert _row(session, job.id).status is JobStatus.FAILED


def test_issue_13_point_8_run_job_stops_at_the_first_fenced_write(session, factory):
    LATE.clear()
    job = _claimed(session, factory.project().id)
    _another_worker_takes_over(session, job.id)
    run_job(session, job)
    row = _row(session, job.id)
    assert LATE == [] and (row.status, row.attempts, row.progress, row.message.startswith("The worker")) == (
        JobStatus.RUNNING, 2, 0, True)  # the retry's row, untouched by the old attempt


def test_issue_13_point_8_training_from_a_lost_claim_stores_no_version(session, tiny):
    job = enqueue_training(session, tiny.model)
    session.commit()
    job = claim_next(session)
    _another_worker_takes_over(session, job.id)
    run_job(session, job)
    assert session.scalar(select(func.count()).select_from(ModelVersion)) == 0
    row = _row(session, job.id)
    assert (row.status, row.attempts, row.finished_at) == (JobStatus.RUNNING, 2, None)


def test_issue_13_point_8_a_prediction_job_failed_mid_run_stops_writing(session, tiny, monkeypatch):
    """The reported case: three presumed-dead claims failed the job while its worker still
    ran; that worker's next batch and progress are refused (the first batch stays)."""
    train_builtin(session, tiny.model)
    session.commit()
    predict.predict_tasks(session, tiny.project, None, tiny.model)
    session.commit()
    job = claim_next(session)
    monkeypatch.setattr(predict, "BATCH", 10)
    write = predict.write_predictions
    batches = []

    def write_then_get_failed(session_, project, version, tasks):
        batches.append(len(tasks))
        if len(batches) == 2:  # between the first and second batch the job is given up on
            _another_worker_takes_over(session, job.id, max_attempts=1)
        write(session_, project, version, tasks)

    monkeypatch.setattr(predict, "write_predictions", write_then_get_failed)
    run_job(session, job)
    row = _row(session, job.id)
    assert batches == [10, 10]  # stopped at the second batch's fenced commit
    assert (row.status, row.progress, row.total) == (JobStatus.FAILED, 10, 30)
    assert "gave up" in row.message
    assert session.scalar(select(func.count()).select_from(Prediction)) == 10


def test_issue_13_point_8_a_reclaimed_autolabel_job_accepts_no_batch(session, tiny):
    """AL-1 run as a job: once another worker holds the claim, no batch is committed."""
    for task in tiny.tasks[20:]:
        session.add(Prediction(task_id=task.id, project_id=tiny.project.id, model_version="v1",
                               result=[{**choice_item("pos"), "score": 0.95}], score=0.95))
    settings = settings_of(session, tiny.project.id)
    settings.enabled, settings.threshold = True, 0.9
    session.commit()
    job = _claimed(session, tiny.project.id, kind="autolabel")
    _another_worker_takes_over(session, job.id)
    with pytest.raises(ClaimLost):
        run_autolabel(session, tiny.project, "v1", job=job)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(AutolabelDecision)) == 0
    assert session.scalar(select(func.count()).select_from(Annotation)) == 20  # the people's, only
