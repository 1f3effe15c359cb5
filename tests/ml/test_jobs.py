"""The background job runner: atomic claim, debounce, failures recorded, synchronous in tests."""
from __future__ import annotations

from webapp.ml.jobs import claim_next, enqueue, job_handler
from webapp.ml.pipeline import run_pending_jobs
from webapp.models.ml import BackgroundJob, JobStatus


@job_handler("test-echo")
def _echo(session, job):
    if job.params.get("fail"):
        raise RuntimeError("boom")
    return f"echo {job.params['n']}"


def test_jobs_run_synchronously_and_record_outcome(session, factory):
    project = factory.project()
    ok = enqueue(session, "test-echo", project.id, {"n": 1})
    bad = enqueue(session, "test-echo", project.id, {"fail": True})
    session.commit()
    assert run_pending_jobs(session) == 2
    session.refresh(ok), session.refresh(bad)
    assert (ok.status, ok.message) == (JobStatus.DONE, "echo 1")
    assert bad.status is JobStatus.FAILED and "boom" in bad.message and bad.finished_at is not None


def test_a_job_is_claimed_once(session, factory):
    project = factory.project()
    enqueue(session, "test-echo", project.id, {"n": 1})
    session.commit()
    first = claim_next(session)
    assert first is not None and first.status is JobStatus.RUNNING
    assert claim_next(session) is None  # already running: nobody else gets it


def test_dedupe_key_keeps_one_pending_job__ML_2(session, factory):
    project = factory.project()
    a = enqueue(session, "test-echo", project.id, {"n": 1}, dedupe_key="k")
    b = enqueue(session, "test-echo", project.id, {"n": 2}, dedupe_key="k")
    session.commit()
    assert a.id == b.id and session.query(BackgroundJob).count() == 1
    claim_next(session)  # once running, a new trigger queues a fresh job
    c = enqueue(session, "test-echo", project.id, {"n": 3}, dedupe_key="k")
    session.commit()
    assert c.id != a.id
