"""QA_5: "Assign additional annotator" keeps a low-agreement task open for one more
annotator at a time and flags it when nobody (or no seat) is left."""
from __future__ import annotations

from datetime import timedelta

from tests.quality.helpers import choice, sentiment_project, submit
from webapp.annotations import update_annotation
from webapp.models import Distribution, LowAgreementStrategy, Task
from webapp.models._types import utcnow
from webapp.project_events import record_project_updated
from webapp.queue import next_task, recompute_overlap
from webapp.quality.reevaluate import reevaluate_changed_projects, reevaluate_flagged

ASSIGN = dict(low_agreement_strategy=LowAgreementStrategy.ASSIGN_ADDITIONAL_ANNOTATOR,
              agreement_threshold=80)


def _task(session, task):
    session.expire_all()
    return session.get(Task, task.id)


def test_QA_5_end_to_end_third_annotator_is_offered_then_flagged(session, factory):
    project, (a, b, c), (task,) = sentiment_project(factory, annotators=3, overlap=2, **ASSIGN)
    assert next_task(session, project.id, a.id).id == task.id
    submit(session, task, a, "Positive")
    assert next_task(session, project.id, b.id).id == task.id
    submit(session, task, b, "Negative")
    t = _task(session, task)
    assert (t.agreement, t.is_labeled, t.overlap, t.extra_overlap) == (0.0, False, 3, 1)
    assert next_task(session, project.id, c.id).id == task.id  # the third annotator gets it
    submit(session, task, c, "Positive")
    t = _task(session, task)
    # a=c, b differs: 1 agreeing pair of 3 → 33%; nobody is left → flagged, not complete.
    assert round(t.agreement) == 33
    assert (t.is_labeled, t.needs_attention) == (False, True)
    assert next_task(session, project.id, c.id) is None


def test_QA_5_end_to_end_third_annotator_resolves_and_task_completes(session, factory):
    project, (a, b, c), (task,) = sentiment_project(factory, annotators=3, overlap=2, **ASSIGN)
    submit(session, task, a, "Positive")
    ann_b = submit(session, task, b, "Negative")
    assert next_task(session, project.id, c.id).id == task.id
    submit(session, task, c, "Positive")
    update_annotation(session, ann_b, {"result": choice("Positive")})  # b changes their mind
    t = _task(session, task)
    assert (t.agreement, t.is_labeled, t.needs_attention) == (100.0, True, False)


def test_QA_5_maximum_additional_annotators_is_respected(session, factory):
    project, (a, b, c), (task,) = sentiment_project(
        factory, annotators=3, overlap=2, max_additional_annotators=0, **ASSIGN)
    submit(session, task, a, "Positive")
    submit(session, task, b, "Negative")
    t = _task(session, task)
    assert (t.overlap, t.is_labeled, t.needs_attention) == (2, False, True)
    assert next_task(session, project.id, c.id) is None


def test_QA_5_agreeing_task_completes_and_do_nothing_ignores_agreement(session, factory):
    project, (a, b), tasks = sentiment_project(factory, annotators=2, n_tasks=2, **ASSIGN)
    submit(session, tasks[0], a, "Positive")
    submit(session, tasks[0], b, "Positive")
    assert _task(session, tasks[0]).is_labeled
    plain, (c, d), (task,) = sentiment_project(factory, annotators=2)
    submit(session, task, c, "Positive")
    submit(session, task, d, "Negative")
    t = _task(session, task)
    assert (t.agreement, t.is_labeled, t.needs_attention, t.overlap) == (0.0, True, False, 2)


def test_QA_5_recompute_overlap_keeps_the_extra_annotator(session, factory):
    project, (a, b, c), (task,) = sentiment_project(factory, annotators=3, overlap=2, **ASSIGN)
    submit(session, task, a, "Positive")
    submit(session, task, b, "Negative")
    recompute_overlap(session, project)
    session.commit()
    t = _task(session, task)
    assert (t.overlap, t.extra_overlap, t.is_labeled) == (3, 1, False)


def test_QA_5_settings_job_reevaluates_changed_projects(session, factory):
    project, (a, b, c), (task,) = sentiment_project(factory, annotators=3, overlap=2)
    submit(session, task, a, "Positive")
    submit(session, task, b, "Negative")
    assert _task(session, task).is_labeled  # Do nothing: complete
    project.low_agreement_strategy = LowAgreementStrategy.ASSIGN_ADDITIONAL_ANNOTATOR
    record_project_updated(session, project, None, ["low_agreement_strategy"])
    session.commit()
    since = utcnow() - timedelta(minutes=5)
    assert reevaluate_changed_projects(session, since) == 1
    t = _task(session, task)
    assert (t.is_labeled, t.overlap, t.extra_overlap) == (False, 3, 1)
    assert reevaluate_changed_projects(session, since) == 1  # idempotent
    t = _task(session, task)
    assert (t.is_labeled, t.overlap, t.extra_overlap) == (False, 3, 1)


def test_QA_5_flagged_task_gets_a_newly_added_annotator(session, factory):
    project, (a, b), (task,) = sentiment_project(factory, annotators=2, **ASSIGN)
    submit(session, task, a, "Positive")
    submit(session, task, b, "Negative")
    assert _task(session, task).needs_attention
    newcomer = factory.user()
    factory.member(project, newcomer)
    assert reevaluate_flagged(session) == 1
    t = _task(session, task)
    assert (t.needs_attention, t.overlap, t.is_labeled) == (False, 3, False)
    assert next_task(session, project.id, newcomer.id).id == task.id


def test_QA_5_manual_mode_never_adds_annotators(session, factory):
    project, (a, b), (task,) = sentiment_project(factory, annotators=2, **ASSIGN)
    project.distribution = Distribution.MANUAL
    session.commit()
    submit(session, task, a, "Positive")
    submit(session, task, b, "Negative")
    t = _task(session, task)
    assert (t.extra_overlap, t.needs_attention) == (0, False)
