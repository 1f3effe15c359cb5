"""The Model and Predictions settings tabs (ML-1..3, ML-6, PRED-1, AL-1) and the ML API."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.factories import csrf_token, login
from webapp.ml.pipeline import run_pending_jobs
from webapp.models import OrgRole, Prediction
from webapp.models.ml import AutolabelSettings, BackgroundJob, JobStatus, MLModel, ModelVersion


@pytest.fixture
def manager_client(client, session, tiny):
    manager = session.get(type(tiny.user), tiny.project.created_by_id)
    login(client, manager)
    client.token = csrf_token(client, "/")
    client.base = f"/projects/{tiny.project.id}/settings"
    return client


def _post(client, path, **data):
    return client.post(client.base + path, data={"csrf_token": client.token, **data}, headers={"HX-Request": "true"})


def test_model_tab_lists_models_and_trains_in_background__ML_1__ML_3(session, manager_client, tiny):
    page = manager_client.get(manager_client.base + "/model").get_data(as_text=True)
    assert "Built-in" in page and "Start training" in page and "Connect model" in page
    r = _post(manager_client, "/model/connections", kind="builtin", title="Second model", extra_params='{"a": 1}')
    assert r.status_code == 200 and "Second model" in r.get_data(as_text=True)
    second = session.scalar(select(MLModel).where(MLModel.title == "Second model"))
    assert second.extra_params == {"a": 1}
    bad = _post(manager_client, "/model/connections", kind="builtin", title="x", extra_params="[1")
    assert bad.status_code == 422 and "Not valid JSON" in bad.get_data(as_text=True)

    r = _post(manager_client, f"/model/connections/{tiny.model.id}/train")
    assert "Training queued" in r.get_data(as_text=True)
    status = manager_client.get(f"{manager_client.base}/model/connections/{tiny.model.id}/status").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in status  # polls while pending
    run_pending_jobs(session)
    status = manager_client.get(f"{manager_client.base}/model/connections/{tiny.model.id}/status").get_data(as_text=True)
    assert "every 1s" not in status and "accuracy" in status

    form = manager_client.get(f"{manager_client.base}/model/connections/{second.id}/edit").get_data(as_text=True)
    assert 'value="Second model"' in form and "{&#34;a&#34;: 1}" in form
    r = _post(manager_client, f"/model/connections/{second.id}/edit", kind="builtin", title="Renamed", extra_params="")
    assert "Renamed" in r.get_data(as_text=True)
    r = _post(manager_client, f"/model/connections/{second.id}/delete")
    assert session.get(MLModel, second.id) is None


def test_train_on_submission_toggle__ML_2(session, manager_client, tiny):
    _post(manager_client, "/model", start_training_on_annotation_update="y")
    session.refresh(tiny.project)
    assert tiny.project.start_training_on_annotation_update is True
    _post(manager_client, "/model")
    session.refresh(tiny.project)
    assert tiny.project.start_training_on_annotation_update is False


def test_predictions_tab_predicts_lists_and_deletes__PRED_1__ML_6(session, manager_client, tiny):
    from webapp.ml.builtin.train import train_builtin

    train_builtin(session, tiny.model)
    session.commit()
    r = _post(manager_client, "/predictions/run")
    assert "Predictions queued" in r.get_data(as_text=True) and 'hx-trigger="every 1s"' in r.get_data(as_text=True)
    run_pending_jobs(session)
    page = manager_client.get(manager_client.base + "/predictions").get_data(as_text=True)
    version = session.scalar(select(ModelVersion.version))
    assert version in page and re.search(r"<td>30</td>", page)
    r = _post(manager_client, "/predictions/delete", model_version=version)
    assert "Deleted 30 prediction(s)" in r.get_data(as_text=True)
    assert session.scalar(select(Prediction.id)) is None


def test_autolabel_form_and_figures__AL_1(session, manager_client, tiny):
    r = _post(manager_client, "/model/autolabel", enabled="y", threshold="0.8", audit_fraction="0.2", accuracy_floor="2")
    assert r.status_code == 422 and "from 0 to 1" in r.get_data(as_text=True)
    r = _post(manager_client, "/model/autolabel", enabled="y", threshold="0.8", audit_fraction="0.2", accuracy_floor="0.85")
    assert r.status_code == 200
    settings = session.get(AutolabelSettings, tiny.project.id)
    assert (settings.enabled, settings.threshold, settings.audit_fraction, settings.accuracy_floor) == (True, 0.8, 0.2, 0.85)
    assert "auto-labeled" in r.get_data(as_text=True)


def test_settings_tabs_are_for_managers(client, session, factory, tiny):
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(tiny.project, annotator)
    login(client, annotator)
    assert client.get(f"/projects/{tiny.project.id}/settings/model").status_code in (403, 404)
    assert client.get(f"/projects/{tiny.project.id}/settings/predictions").status_code in (403, 404)


def test_ml_api(session, manager_client, tiny):
    headers = {"X-CSRFToken": manager_client.token}
    listed = manager_client.get(f"/api/ml?project={tiny.project.id}").get_json()
    assert [m["id"] for m in listed] == [tiny.model.id] and listed[0]["kind"] == "builtin"
    job = manager_client.post(f"/api/ml/{tiny.model.id}/train", headers=headers).get_json()
    assert job["status"] == "pending"
    run_pending_jobs(session)
    assert manager_client.get(f"/api/jobs/{job['id']}").get_json()["status"] == "done"
    r = manager_client.post(f"/api/projects/{tiny.project.id}/predict", json={"task_ids": [tiny.tasks[0].id]}, headers=headers)
    assert r.status_code == 202
    run_pending_jobs(session)
    assert session.get(BackgroundJob, r.get_json()["id"]).status is JobStatus.DONE
    assert manager_client.post(f"/api/projects/{tiny.project.id}/predict", json={"task_ids": "x"},
                               headers=headers).status_code == 400
    created = manager_client.post("/api/ml", json={"project": tiny.project.id, "title": "B"}, headers=headers)
    assert created.status_code == 201
    assert manager_client.delete(f"/api/ml/{created.get_json()['id']}", headers=headers).status_code == 204
