"""The OpenAI-compatible chat source (issue 7 part 7) against a local HTTP server:
request shape, answer parsing into results, batch predictions (ML-6), evaluation against
ground truth, and the Model tab's connect check (ML-1) and test request (ML-3)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import csrf_token, login
from tests.ml.conftest import choice_item, choices_config, labels_config, sentiment_texts
from tests.ml.http_stub import loopback, stub  # noqa: F401 - fixtures
from webapp.labeling import parse_config
from webapp.ml import remote
from webapp.ml.pipeline import run_pending_jobs
from webapp.ml.predict import predict_tasks
from webapp.ml.predictions import prediction_sets
from webapp.ml.remote import RemoteModelError
from webapp.ml.remote import openai_chat as llm_source
from webapp.ml.training import enqueue_training
from webapp.models import Prediction
from webapp.models.ml import BackgroundJob, JobStatus, MLModel, ModelKind, ModelVersion

CHAT = ("POST", "/v1/chat/completions")


def completion(content: str, model: str = "tiny-llm-0613") -> tuple[int, dict]:
    return 200, {"id": "c1", "object": "chat.completion", "model": model,
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}


def sentiment_answer(request) -> tuple[int, dict]:
    prompt = request["body"]["messages"][-1]["content"]
    text = prompt.rsplit("Text:\n", 1)[-1]
    positive = any(w in text for w in ("great", "lovely", "excellent", "wonderful", "superb"))
    return completion("Pos\nsomething else" if positive else "maybe, NEG")


def chat_model(session, project, url: str, **params) -> MLModel:
    model = MLModel(project_id=project.id, kind=ModelKind.OPENAI_CHAT, title="LLM", url=url,
                    auth_method="token", extra_params={"model": "tiny-llm", **params})
    remote.store_secret(model, "sk-test")
    session.add(model)
    session.commit()
    return model


def test_choices_request_and_parsing(session, factory, stub):
    stub.routes[CHAT] = sentiment_answer
    project = factory.project(label_config=choices_config(["pos", "neg"]))
    tasks = factory.tasks(project, ["a great film", "an awful film"])
    model = chat_model(session, project, stub.url + "/v1")
    answers = llm_source.predict(session, model, project, tasks)
    assert [a[0] for a in answers] == [
        [{"from_name": "intent", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}],
        [{"from_name": "intent", "to_name": "text", "type": "choices", "value": {"choices": ["neg"]}}],
    ]
    assert {a[2] for a in answers} == {llm_source.version_of(model, "tiny-llm-0613")}
    sent = stub.requests[0]
    assert sent["headers"]["Authorization"] == "Bearer sk-test"
    assert sent["body"]["model"] == "tiny-llm" and sent["body"]["temperature"] == 0
    prompt = sent["body"]["messages"][-1]["content"]
    assert "pos, neg" in prompt and prompt.endswith("a great film")


def test_custom_prompt_full_endpoint_url_and_multiple_choices(session, factory, stub):
    stub.routes[CHAT] = lambda r: completion("Sports, weather; nonsense\nSPORTS")
    project = factory.project(label_config=choices_config(["sports", "weather", "news"], multiple=True))
    tasks = factory.tasks(project, ["rain at the match"])
    model = chat_model(session, project, stub.url + "/v1/chat/completions",
                       prompt="Labels: {labels}. Text: {text}. {unrelated} {\"json\": 1}")
    [(items, score, _)] = llm_source.predict(session, model, project, tasks)
    assert items[0]["value"]["choices"] == ["sports", "weather"] and score is None
    assert stub.requests[0]["body"]["messages"][-1]["content"] == (
        'Labels: sports, weather, news. Text: rain at the match. {unrelated} {"json": 1}')


def test_spans_get_exact_code_point_offsets(session, factory, stub):
    text = "😀 Anna met Anna in Paris 🇫🇷"
    stub.routes[CHAT] = lambda r: completion(
        'Here you go:\n```json\n[{"text": "Anna", "label": "per"}, {"text": "Anna", "label": "PER"},'
        ' {"text": "Paris", "label": "LOC"}, {"text": "Mars", "label": "LOC"}, {"text": "x", "label": "ORG"}]\n```')
    project = factory.project(label_config=labels_config(["PER", "LOC"]))
    tasks = factory.tasks(project, [text])
    [(items, _, _)] = llm_source.predict(session, chat_model(session, project, stub.url + "/v1"), project, tasks)
    spans = [(i["value"]["start"], i["value"]["end"], i["value"]["text"], i["value"]["labels"]) for i in items]
    assert spans == [(2, 6, "Anna", ["PER"]), (11, 15, "Anna", ["PER"]), (19, 24, "Paris", ["LOC"])]
    assert all(text[s:e] == t for s, e, t, _ in spans)
    assert items[0]["type"] == "labels" and items[0]["from_name"] == "label"


def test_errors_name_the_url_and_the_reason(session, factory, stub, app, monkeypatch):
    project = factory.project(label_config=choices_config(["pos", "neg"]))
    tasks = factory.tasks(project, ["a great film"])
    model = chat_model(session, project, stub.url + "/v1")
    stub.routes[CHAT] = lambda r: (401, {"error": {"message": "Incorrect API key provided"}})
    with pytest.raises(RemoteModelError, match=r"answered 401: Incorrect API key provided"):
        llm_source.predict(session, model, project, tasks)
    assert len(stub.requests) == 1  # a 4xx is not retried
    calls = iter([(502, "bad gateway"), completion("pos")])
    stub.routes[CHAT] = lambda r: next(calls)
    assert llm_source.predict(session, model, project, tasks)[0][0][0]["value"]["choices"] == ["pos"]
    monkeypatch.setitem(app.config, "QUORUM_OUTBOUND_TIMEOUT", 0.3)
    stub.delay = 0.6
    with pytest.raises(RemoteModelError, match=r"did not answer within 0.3 s"):
        llm_source.predict(session, model, project, tasks)


def test_batch_predictions_and_evaluation_on_ground_truth__ML_6(session, labeled, stub):
    """ML-6 with a chat model: the background job writes one Prediction per task under the
    answer's version; the version is evaluated against ground truth like any model."""
    stub.routes[CHAT] = sentiment_answer
    texts, labels = sentiment_texts(12)
    lab = labeled(choices_config(["pos", "neg"]), texts, [[choice_item(x)] for x in labels],
                  n_labeled=6, ground_truth=6)
    model = chat_model(session, lab.project, stub.url + "/v1")
    job = predict_tasks(session, lab.project, None, model)
    session.commit()
    assert stub.requests == []  # queued, not run on the caller's thread
    run_pending_jobs(session)
    assert session.get(BackgroundJob, job.id).status is JobStatus.DONE
    version = llm_source.version_of(model, "tiny-llm-0613")
    rows = session.scalars(select(Prediction).where(Prediction.model_version == version)).all()
    assert len(rows) == 12 and all(r.result[0]["value"]["choices"] for r in rows)
    recorded = session.scalar(select(ModelVersion).where(ModelVersion.model_id == model.id))
    assert recorded.version == version and recorded.metrics["intent"]["accuracy"] == 1.0
    assert {s.model_version: s.accuracy for s in prediction_sets(session, lab.project.id)} == {version: 1.0}

    stub.requests.clear()
    enqueue_training(session, model)  # "Start training" of a chat model evaluates it
    session.commit()
    run_pending_jobs(session)
    assert len(stub.requests) == 6  # the ground-truth tasks only
    assert session.get(ModelVersion, recorded.id).metrics["intent"]["held_out"] == 6


def test_model_tab_connects_a_chat_endpoint__ML_1__ML_3(session, client, tiny, stub):
    """ML-1: saving checks that the endpoint answers and refuses with the URL and the reason;
    the key is stored encrypted and never shown. ML-3: Send test request shows both JSONs."""
    login(client, session.get(type(tiny.user), tiny.project.created_by_id))
    token = csrf_token(client, "/")
    base = f"/projects/{tiny.project.id}/settings/model"
    form = {"csrf_token": token, "kind": "openai_chat", "title": "Zero-shot", "url": stub.url + "/v1",
            "auth_method": "token", "auth_secret": "sk-secret-key", "llm_model": "tiny-llm",
            "prompt": "Sentiment ({labels}) of: {text}", "is_active": "y"}
    stub.routes[CHAT] = lambda r: (401, {"error": {"message": "Incorrect API key"}})
    refused = client.post(base + "/connections", data=form, headers={"HX-Request": "true"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f"{stub.url}/v1/chat/completions answered 401" in page
    assert session.scalar(select(MLModel).where(MLModel.title == "Zero-shot")) is None

    stub.routes[CHAT] = sentiment_answer
    saved = client.post(base + "/connections", data=form, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Zero-shot" in saved.get_data(as_text=True)
    model = session.scalar(select(MLModel).where(MLModel.title == "Zero-shot"))
    assert model.extra_params == {"model": "tiny-llm", "prompt": "Sentiment ({labels}) of: {text}"}
    assert model.auth_secret_encrypted and "sk-secret-key" not in model.auth_secret_encrypted
    assert stub.requests[-1]["headers"]["Authorization"] == "Bearer sk-secret-key"
    edit = client.get(f"{base}/connections/{model.id}/edit").get_data(as_text=True)
    assert "sk-secret-key" not in edit and 'value="tiny-llm"' in edit

    test = client.post(f"{base}/connections/{model.id}/test", data={"csrf_token": token},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Request" in test and "Sentiment (pos, neg) of: the film was great number 0" in test
    assert "Answer" in test and "chat.completion" in test and "sk-secret-key" not in test
    page = client.post(f"{base}/connections/{model.id}/test", data={"csrf_token": token}).get_data(as_text=True)
    assert "Connected models" in page and "chat.completion" in page  # without htmx: the whole tab


def test_config_labels_reach_the_default_prompt(session, factory, stub):
    stub.routes[CHAT] = lambda r: completion("[]")
    project = factory.project(label_config=labels_config(["PER", "LOC"]))
    task = factory.tasks(project, ["Bob"])[0]
    sent, answer = llm_source.test_request(chat_model(session, project, stub.url + "/v1"), project, task)
    assert "PER, LOC" in sent["messages"][-1]["content"] and answer["choices"][0]["message"]["content"] == "[]"
    control = parse_config(project.label_config).controls["label"]
    assert llm_source.result_items(control, "not json", "Bob") == []
