"""The Label Studio ML-backend client against a scripted local server: request shapes,
auth, retries, errors in words, response variants, and the ML-1/ML-2 wiring. The real
label-studio-ml server is proven in test_label_studio_ml_real.py."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from tests.factories import csrf_token, login
from tests.ml.conftest import choice_item, choices_config
from tests.ml.http_stub import free_port, loopback, stub  # noqa: F401 - fixtures
from webapp.annotations.service import Submission, submit_annotation
from webapp.ml import remote
from webapp.ml.pipeline import run_pending_jobs
from webapp.ml.remote import RemoteModelError, ml_backend
from webapp.models import OrgRole
from webapp.models.ml import MLModel, ModelKind

ITEM = choice_item("pos")


def backend(session, project, url: str, auth: str = "none", user: str = "", secret: str = "") -> MLModel:
    model = MLModel(project_id=project.id, kind=ModelKind.ML_BACKEND, title="Backend", url=url,
                    auth_method=auth, basic_auth_user=user, extra_params={"threshold": 0.5})
    remote.store_secret(model, secret)
    session.add(model)
    session.commit()
    return model


def serve_backend(stub, version="v7") -> None:
    stub.routes[("GET", "/health")] = lambda r: (200, {"status": "UP"})
    stub.routes[("POST", "/setup")] = lambda r: (200, {"model_version": version})
    stub.routes[("POST", "/predict")] = lambda r: (200, {"results": [
        {"result": [ITEM], "score": 0.5 + i / 10} for i, _ in enumerate(r["body"]["tasks"])], "model_version": version})
    stub.routes[("POST", "/webhook")] = lambda r: (201, {"job_id": "42"})


@pytest.fixture
def project(factory):
    return factory.project(label_config=choices_config(["pos", "neg"]))


def test_setup_and_predict_request_shapes_with_token_auth(session, factory, project, stub):
    serve_backend(stub)
    tasks = factory.tasks(project, ["one", "two"])
    model = backend(session, project, stub.url + "/", auth="token", secret="abc123")
    answers = ml_backend.predict(session, model, project, tasks, context={"result": []})
    assert answers == [([ITEM], 0.5, "v7"), ([ITEM], 0.6, "v7")]
    assert stub.paths() == ["/setup", "/predict"]
    setup, predict = (r["body"] for r in stub.requests)
    uid = ml_backend.project_uid(project)
    assert uid.startswith(f"{project.id}.") and setup["project"] == uid
    assert setup["schema"] == project.label_config and setup["extra_params"] == {"threshold": 0.5}
    assert set(setup) >= {"hostname", "access_token", "model_version"}
    assert predict["project"] == uid and predict["label_config"] == project.label_config
    assert [t["id"] for t in predict["tasks"]] == [t.id for t in tasks] and predict["tasks"][0]["data"] == {"text": "one"}
    assert predict["params"] == {"login": None, "password": None, "context": {"result": []}}
    assert all(r["headers"]["Authorization"] == "Token abc123" for r in stub.requests)


def test_basic_auth_and_webhook_shape(session, project, stub):
    serve_backend(stub)
    model = backend(session, project, stub.url, auth="basic", user="ml", secret="pw")
    assert ml_backend.send_webhook(model, project, "START_TRAINING") == {"job_id": "42"}
    sent = stub.requests[-1]
    assert sent["headers"]["Authorization"] == "Basic " + base64.b64encode(b"ml:pw").decode()
    assert sent["body"]["action"] == "START_TRAINING"
    assert sent["body"]["project"]["id"] == project.id and sent["body"]["project"]["label_config"]


@pytest.mark.parametrize("answer, expected", [
    ({"results": [{"result": [ITEM], "score": 0.9, "model_version": "own"}]}, ([ITEM], 0.9, "own")),
    ({"results": [[{"result": [ITEM], "score": 0.8}, {"result": [], "score": 0.1}]], "model_version": 3},
     ([ITEM], 0.8, "3")),
    ({"results": [[ITEM]]}, ([ITEM], None, "fallback")),
    ([{"result": [ITEM]}], ([ITEM], None, "fallback")),
    ({"results": [{}]}, ([], None, "fallback")),
])
def test_response_variants(answer, expected):
    assert ml_backend.parse_predictions(answer, 1, "fallback") == [expected]


def test_wrong_count_is_an_error():
    with pytest.raises(RemoteModelError, match="answered 0 prediction"):
        ml_backend.parse_predictions({"results": []}, 2, "v", "http://x")


def test_5xx_is_retried_then_reported_in_words(session, factory, project, stub):
    serve_backend(stub)
    tasks = factory.tasks(project, ["one"])
    model = backend(session, project, stub.url)
    stub.routes[("POST", "/predict")] = lambda r: (500, {"detail": "ValueError: the model exploded", "status": 500})
    with pytest.raises(RemoteModelError) as err:
        ml_backend.predict(session, model, project, tasks)
    assert str(err.value) == f"The model at {stub.url}/predict answered 500: ValueError: the model exploded"
    # 3 attempts, a fresh /setup (a restarted backend forgets it), 3 attempts again
    assert stub.paths() == ["/setup"] + ["/predict"] * 3 + ["/setup"] + ["/predict"] * 3


def test_unreachable_and_forbidden_urls(session, project, app, monkeypatch, loopback):
    model = backend(session, project, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(RemoteModelError, match=r"cannot be reached: connection refused"):
        ml_backend.health(model)
    monkeypatch.setitem(app.config, "QUORUM_OUTBOUND_ALLOWLIST", "")
    with pytest.raises(RemoteModelError, match=r"may not be called: .*non-public address"):
        ml_backend.health(model)


def test_save_refuses_a_model_that_does_not_answer__ML_1(session, client, tiny, stub):
    """ML-1: Save runs /health and /setup; a dead URL is refused naming URL and reason,
    and nothing is stored; a live one is saved."""
    login(client, session.get(type(tiny.user), tiny.project.created_by_id))
    base = f"/projects/{tiny.project.id}/settings/model/connections"
    dead = f"http://127.0.0.1:{free_port()}"
    form = {"csrf_token": csrf_token(client, "/"), "kind": "ml_backend", "title": "My backend", "url": dead,
            "auth_method": "token", "auth_secret": "t0k", "extra_params": '{"k": 1}', "is_active": "y"}
    r = client.post(base, data=form, headers={"HX-Request": "true"})
    assert r.status_code == 422 and f"{dead}/health cannot be reached: connection refused" in r.get_data(as_text=True)
    assert session.scalar(select(MLModel).where(MLModel.title == "My backend")) is None
    bad = client.post(base, data={**form, "extra_params": '{"k": }'}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "Not valid JSON" in bad.get_data(as_text=True)
    no_url = client.post(base, data={**form, "url": ""}, headers={"HX-Request": "true"})
    assert no_url.status_code == 422 and "Give the model&#39;s URL" in no_url.get_data(as_text=True)

    serve_backend(stub)
    r = client.post(base, data={**form, "url": stub.url}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "model version v7" in r.get_data(as_text=True)
    assert stub.paths() == ["/health", "/setup"]
    model = session.scalar(select(MLModel).where(MLModel.title == "My backend"))
    assert model.kind is ModelKind.ML_BACKEND and model.extra_params == {"k": 1}

    edit = client.post(f"{base}/{model.id}/edit", data={**form, "url": dead, "auth_secret": "t0k"},
                       headers={"HX-Request": "true"})
    assert edit.status_code == 422 and "cannot be reached" in edit.get_data(as_text=True)
    session.expire_all()
    assert session.get(MLModel, model.id).url == stub.url  # the stored connection stays


def test_annotations_reach_the_backend_from_a_background_job__ML_2(session, factory, tiny, stub):
    """ML-2: each created or updated annotation sends ANNOTATION_CREATED/UPDATED to the
    backend's /webhook, from a background job, never on the request thread."""
    serve_backend(stub)
    tiny.project.start_training_on_annotation_update = True
    model = backend(session, tiny.project, stub.url)
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(tiny.project, annotator)
    task = tiny.tasks[25]
    created = submit_annotation(session, task.id, annotator, Submission(result=[choice_item("pos")]))
    submit_annotation(session, task.id, annotator, Submission(result=[choice_item("neg")]))
    assert stub.requests == []  # nothing sent by the submitting thread
    run_pending_jobs(session)
    hooks = [r["body"] for r in stub.requests if r["path"] == "/webhook"]
    assert [h["action"] for h in hooks] == ["ANNOTATION_CREATED", "ANNOTATION_UPDATED"]
    assert hooks[0]["annotation"]["id"] == created.id and hooks[0]["task"]["id"] == task.id
    assert hooks[0]["project"]["label_config"] == tiny.project.label_config
    assert model.id and tiny.model.id  # the built-in model queued its training beside it


def test_ml_api_connects_checks_and_tests__ML_1__ML_3(session, client, tiny, stub):
    """The API saves an external model only when it answers, never returns its secret,
    and answers a test request with the request and the response."""
    login(client, session.get(type(tiny.user), tiny.project.created_by_id))
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    body = {"project": tiny.project.id, "kind": "ml_backend", "title": "API backend", "url": stub.url,
            "auth_method": "token", "auth_secret": "s3cret"}
    refused = client.post("/api/ml", json=body, headers=headers)
    assert refused.status_code == 400 and f"{stub.url}/health answered 404" in refused.get_json()["detail"]
    serve_backend(stub)
    created = client.post("/api/ml", json=body, headers=headers)
    assert created.status_code == 201 and "s3cret" not in created.get_data(as_text=True)
    model_id = created.get_json()["id"]
    assert client.patch(f"/api/ml/{model_id}", json={"auth_method": "basic"}, headers=headers).status_code == 400
    renamed = client.patch(f"/api/ml/{model_id}", json={"title": "Renamed"}, headers=headers)
    assert renamed.status_code == 200 and renamed.get_json()["title"] == "Renamed"
    assert stub.requests[-1]["headers"]["Authorization"] == "Token s3cret"  # the kept secret
    test = client.post(f"/api/ml/{model_id}/predict/test", headers=headers).get_json()
    assert test["request"]["tasks"][0]["id"] == tiny.tasks[0].id and test["response"]["model_version"] == "v7"
