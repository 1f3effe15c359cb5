"""AL-1: confident predictions auto-accepted, a random audit share to people, Wilson interval, pause."""
from __future__ import annotations

import random

from sqlalchemy import select

from tests.factories import login
from tests.ml.conftest import choice_item
from webapp.annotations import Submission, submit_annotation
from webapp.ml.autolabel import audit_figures, run_autolabel, settings_of, wilson_interval
from webapp.ml.sources import live_prediction
from webapp.models import Annotation, AutolabelDecision, AutolabelState, OrgRole, Prediction, Task, User


def _predict_all(session, lab, label="pos", score=0.95, version="v1"):
    for task in lab.tasks[20:]:
        item = {**choice_item(label), "score": score}
        session.add(Prediction(task_id=task.id, project_id=lab.project.id, model_version=version,
                               result=[item], score=score))
    session.commit()


def _enable(session, project_id, **values):
    settings = settings_of(session, project_id)
    settings.enabled = True
    for k, v in values.items():
        setattr(settings, k, v)
    session.commit()


def test_wilson_interval__AL_1():
    low, high = wilson_interval(9, 10)
    assert round(low, 3) == 0.596 and round(high, 3) == 0.982
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_confident_tasks_are_auto_labeled_except_the_audit__AL_1(session, tiny):
    _predict_all(session, tiny)
    session.add(Prediction(task_id=tiny.tasks[29].id, project_id=tiny.project.id, model_version="v1",
                           result=[choice_item("neg")], score=0.5))  # under the threshold: untouched
    _enable(session, tiny.project.id, threshold=0.9, audit_fraction=0.3)
    counts = run_autolabel(session, tiny.project, "v1", random.Random(1))
    session.commit()
    assert counts["auto"] + counts["audit"] == 10 and counts["audit"] >= 1 and counts["auto"] >= 1
    auto = session.scalars(select(Annotation).where(Annotation.from_model.is_(True))).all()
    assert len(auto) == counts["auto"] and all(a.completed_by_id is None for a in auto)
    assert all(session.get(Task, a.task_id).is_labeled for a in auto)
    audit = [session.get(Task, d.task_id) for d in session.scalars(
        select(AutolabelDecision).where(AutolabelDecision.state == AutolabelState.AUDIT))]
    assert len(audit) == counts["audit"] and not any(t.is_labeled for t in audit)  # left to annotators
    tiny.project.live_predictions_source = "version:v1"
    assert live_prediction(session, tiny.project, audit[0]) is None  # audited blind
    # Decided once: a second run changes nothing.
    assert run_autolabel(session, tiny.project, "v1", random.Random(2))["auto"] == 0
    figures = audit_figures(session, tiny.project.id)
    assert figures.auto_labeled == counts["auto"] and figures.audit_selected == counts["audit"]


def test_audit_accuracy_pauses_auto_acceptance_below_the_floor__AL_1(session, factory, labeled, client):
    from tests.ml.conftest import choices_config

    lab = labeled(choices_config(["pos", "neg"]), [f"text {i}" for i in range(60)], [], n_labeled=0)
    lab.tasks = [None] * 20 + lab.tasks[:40]  # the helper predicts tasks[20:]
    _predict_all(session, lab)
    _enable(session, lab.project.id, threshold=0.9, audit_fraction=1.0, accuracy_floor=0.9)
    assert run_autolabel(session, lab.project, "v1")["audit"] == 40
    session.commit()
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(lab.project, annotator)
    audited = lab.tasks[20:32]
    for k, task in enumerate(audited):  # 8 of 12 agree with the model: accuracy 0.67
        submit_annotation(session, task.id, annotator, Submission(result=[choice_item("pos" if k < 8 else "neg")]))
    figures = audit_figures(session, lab.project.id)
    assert (figures.audited, figures.correct) == (12, 8)
    assert figures.low < 0.9 < figures.high + 0.5 and figures.paused
    login(client, session.get(User, lab.project.created_by_id))  # the dashboard shows it, with its chart
    panel = client.get(f"/projects/{lab.project.id}/dashboard").get_data(as_text=True)
    assert 'id="dash-autolabel"' in panel and "8/12 correct" in panel and "audit-chart" in panel
    assert "Auto-acceptance is paused" in panel
    # Paused: new confident tasks are not auto-accepted (nor decided) while the audit is low.
    settings_of(session, lab.project.id).audit_fraction = 0.0
    more = factory.tasks(lab.project, ["fresh one"])
    session.add(Prediction(task_id=more[0].id, project_id=lab.project.id, model_version="v1",
                           result=[choice_item("pos")], score=0.99))
    session.commit()
    assert run_autolabel(session, lab.project, "v1") == {"auto": 0, "audit": 0, "paused": True}
    assert not session.get(Task, more[0].id).is_labeled


def test_figures_refresh_while_autolabeling_runs__AL_1(session, tiny, client):
    from tests.settings.conftest import post
    from webapp.ml.pipeline import run_pending_jobs

    _predict_all(session, tiny)
    tiny.project.live_predictions_source = "version:v1"
    session.commit()
    login(client, session.get(User, tiny.project.created_by_id))
    base = f"/projects/{tiny.project.id}/settings/model"
    queued = post(client, f"{base}/autolabel", {"enabled": "y", "threshold": "0.9", "audit_fraction": "0",
                                                "accuracy_floor": "0.5"}).get_data(as_text=True)
    assert "Autolabeling queued with v1" in queued
    assert f'hx-get="{base}/autolabel/figures"' in queued  # polls while the job waits or runs
    run_pending_jobs(session)
    done = client.get(f"{base}/autolabel/figures").get_data(as_text=True)
    assert "hx-get" not in done and "<strong>10</strong> task(s) auto-labeled" in done
