"""ML-5 interactive pre-annotations, server side: the annotator's selection goes to the
model and its answer comes back as suggestions (the browser half is
tests/e2e/test_interactive_suggestions.py)."""
from __future__ import annotations

import json
import re

import pytest

from tests.factories import csrf_token, login
from tests.ml.conftest import Labeled, annotate, labels_config, span_item
from webapp.ml.builtin.train import train_builtin
from webapp.ml.interactive import InteractiveError, sentence_bounds, suggest
from webapp.models import Distribution, OrgRole
from webapp.models.ml import MLModel, ModelKind

PEOPLE = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank"]
CITIES = ["Paris", "Rome", "Oslo", "Lima", "Cairo", "Quito"]
TEXT = "Alice met Bob in Paris. Later Carol flew to Rome."


def ner_example(k: int) -> tuple[str, list[dict]]:
    """'<P> met <P> in <C>.' or 'Later <P> flew to <C>.' with its PER/LOC spans."""
    a, b, city = PEOPLE[k % 6], PEOPLE[(k + 2) % 6], CITIES[(k + 1) % 6]
    parts = [(a, "PER"), (" met ", None), (b, "PER"), (" in ", None), (city, "LOC"), (".", None)]
    if k % 2:
        parts = [("Later ", None), (a, "PER"), (" flew to ", None), (city, "LOC"), (".", None)]
    text, items = "", []
    for piece, label in parts:
        if label:
            items.append(span_item(text + piece, len(text), len(text) + len(piece), label))
        text += piece
    return text, items


def make_ner_project(session, factory) -> Labeled:
    """A trained built-in NER model with interactive pre-annotations; only the last task
    (TEXT) is unlabeled. Also used by the browser test."""
    examples = [ner_example(k) for k in range(36)]
    project = factory.project(label_config=labels_config(["PER", "LOC"]))
    tasks = factory.tasks(project, [text for text, _ in examples] + [TEXT])
    teacher = factory.user(OrgRole.ANNOTATOR)
    for task, (_, result) in zip(tasks, examples):
        annotate(session, task, teacher, result)
    model = MLModel(project_id=project.id, kind=ModelKind.BUILTIN, title="Built-in", interactive_preannotations=True)
    session.add(model)
    session.flush()
    train_builtin(session, model)
    session.commit()
    return Labeled(project, tasks, model, teacher)


@pytest.fixture
def ner_project(session, factory):
    return make_ner_project(session, factory)


def region(start: int, end: int, label: str | None = None) -> dict:
    labels = [label] if label else []
    return {"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": labels}}


def spans(suggestions: list[dict]) -> list[tuple[str, str]]:
    return [(s["value"]["text"], s["value"]["labels"][0]) for s in suggestions if s["type"] == "labels"]


def test_a_selection_gets_the_entities_of_its_sentence__ML_5(ner_project, session):
    task = ner_project.tasks[-1]
    got = suggest(session, ner_project.project, task, {"result": [region(0, 13)]})  # "Alice met Bob"
    found = spans(got)  # overlapping ones first (each group by score), then the rest of the sentence
    assert sorted(found[:2]) == [("Alice", "PER"), ("Bob", "PER")] and found[2:] == [("Paris", "LOC")]
    assert all(0 < s["score"] <= 1 and s["id"].startswith("suggestion-") for s in got)
    later = suggest(session, ner_project.project, task, {"result": [region(30, 35)]})  # "Carol"
    assert spans(later) == [("Carol", "PER"), ("Rome", "LOC")]


def test_a_picked_label_narrows_the_suggestions__ML_5(ner_project, session):
    got = suggest(session, ner_project.project, ner_project.tasks[-1], {"result": [region(0, 5, "PER")]})
    assert spans(got) == [("Bob", "PER")]  # the region just labeled is not suggested back


def test_choices_get_class_probabilities__ML_5(tiny, session):
    tiny.model.interactive_preannotations = True
    train_builtin(session, tiny.model)
    session.commit()
    task = tiny.tasks[-2]  # "the film was great number 28", unlabeled
    got = suggest(session, tiny.project, task, {"result": [{"to_name": "text", "value": {"start": 0, "end": 8}}]})
    assert [s["value"]["choices"] for s in got] == [["pos"], ["neg"]]
    assert got[0]["score"] > 0.5 and abs(got[0]["score"] + got[1]["score"] - 1) < 1e-6


def test_an_ml_backend_gets_the_context_and_its_answer_is_checked__ML_5(labeled, session, monkeypatch):
    made = labeled(labels_config(["PER", "LOC"]), [TEXT], [])
    backend = MLModel(project_id=made.project.id, kind=ModelKind.ML_BACKEND, title="LS backend",
                      url="http://127.0.0.1:9", interactive_preannotations=True)
    session.add(backend)
    made.model.is_active = False
    session.commit()
    calls = []

    def fake_predict(session_, model, project, tasks, context=None):
        calls.append((model.id, [t.id for t in tasks], context))
        answer = [region(30, 35, "PER"), region(0, 5, "ORG"), region(40, 99, "LOC"), {"value": "junk"}]
        answer[0]["value"]["text"] = "wrong text"
        return [(answer, 0.7, "backend-v1")]

    monkeypatch.setattr("webapp.ml.remote.ml_backend.predict", fake_predict)
    context = {"result": [region(0, 5)]}
    got = suggest(session, made.project, made.tasks[0], context)
    assert calls == [(backend.id, [made.tasks[0].id], context)]
    assert spans(got) == [("Carol", "PER")]  # unknown label, bad offsets and junk dropped; text from the task


def test_an_llm_source_answer_is_restricted_to_the_selection__ML_5(labeled, session, monkeypatch):
    made = labeled(labels_config(["PER", "LOC"]), [TEXT], [])
    made.model.kind, made.model.url, made.model.interactive_preannotations = ModelKind.OPENAI_CHAT, "http://x", True
    session.commit()
    whole_task = [region(0, 5, "PER"), region(30, 35, "PER"), region(44, 48, "LOC")]
    monkeypatch.setattr("webapp.ml.remote.openai_chat.predict", lambda *a, **k: [(whole_task, None, "llm-v1")])
    got = suggest(session, made.project, made.tasks[0], {"result": [region(36, 48)]})  # "flew to Rome"
    assert spans(got) == [("Rome", "LOC"), ("Carol", "PER")]  # the selected sentence only


def test_a_failing_backend_is_told_in_words__ML_5(labeled, session, monkeypatch):
    made = labeled(labels_config(["PER"]), [TEXT], [])
    made.model.kind, made.model.url, made.model.interactive_preannotations = ModelKind.ML_BACKEND, "http://x", True
    session.commit()

    def down(*args, **kwargs):
        raise ConnectionError("connection refused")

    monkeypatch.setattr("webapp.ml.remote.ml_backend.predict", down)
    with pytest.raises(InteractiveError, match="did not answer: connection refused"):
        suggest(session, made.project, made.tasks[0], {"result": []})


def test_bad_context_and_untrained_model_are_refused_clearly__ML_5(labeled, session):
    made = labeled(labels_config(["PER"]), [TEXT], [])
    made.model.interactive_preannotations = True
    session.commit()
    task = made.tasks[0]
    with pytest.raises(InteractiveError, match="'result' list"):
        suggest(session, made.project, task, {"result": "x"})
    with pytest.raises(InteractiveError, match="inside a Text"):
        suggest(session, made.project, task, {"result": [region(5, 500)]})
    with pytest.raises(InteractiveError, match="not been trained"):
        suggest(session, made.project, task, {"result": [region(0, 5)]})
    made.model.interactive_preannotations = False
    session.commit()
    with pytest.raises(InteractiveError, match="not enabled"):
        suggest(session, made.project, task, {"result": []})


def test_sentence_bounds():
    assert sentence_bounds(TEXT, 0, 5) == (0, 23)
    assert TEXT[slice(*sentence_bounds(TEXT, 30, 35))] == " Later Carol flew to Rome."


# ---- the route and the editor state ----

@pytest.fixture
def annotator_client(client, factory, ner_project):
    factory.member(ner_project.project, ner_project.user)
    login(client, ner_project.user)
    return client


def post_suggest(client, project, body):
    headers = {"X-CSRFToken": csrf_token(client, "/"), "Accept": "application/json"}
    return client.post(f"/projects/{project.id}/stream/suggest", json=body, headers=headers)


def test_the_route_answers_suggestions_to_an_annotator__ML_5(annotator_client, ner_project):
    body = {"task_id": ner_project.tasks[-1].id, "context": {"result": [region(0, 13)]}}
    response = post_suggest(annotator_client, ner_project.project, body)
    assert response.status_code == 200
    assert sorted(spans(response.get_json()["suggestions"])[:2]) == [("Alice", "PER"), ("Bob", "PER")]
    bad = post_suggest(annotator_client, ner_project.project, {"task_id": "1", "context": {}})
    assert bad.status_code == 400
    refused = post_suggest(annotator_client, ner_project.project, {"task_id": ner_project.tasks[-1].id, "context": 3})
    assert refused.status_code == 400 and "'result' list" in refused.get_json()["detail"]


def test_the_route_is_guarded__ML_5(client, factory, session, ner_project):
    project, task = ner_project.project, ner_project.tasks[-1]
    body = {"task_id": task.id, "context": {"result": [region(0, 13)]}}
    outsider = factory.user(OrgRole.ANNOTATOR)
    login(client, outsider)
    assert post_suggest(client, project, body).status_code == 404  # not a member: no such project
    reviewer = factory.user(OrgRole.REVIEWER)
    factory.member(project, reviewer)
    login(client, reviewer)
    assert post_suggest(client, project, body).status_code == 403
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, annotator)
    project.distribution = Distribution.MANUAL
    session.commit()
    login(client, annotator)
    # Manual: a task not assigned to them is one they cannot see (issue 13 point 1).
    assert post_suggest(client, project, body).status_code == 404
    other = factory.project()
    assert post_suggest(client, other, body).status_code == 404


def _editor_state(client, project) -> dict:
    page = client.get(f"/projects/{project.id}/stream").get_data(as_text=True)
    return json.loads(re.search(r'class="ed-state">(.*?)</script>', page, re.S).group(1))


@pytest.mark.parametrize("enabled", [True, False])
def test_the_editor_is_told_where_to_ask_only_when_enabled__ML_5(annotator_client, ner_project, session, enabled):
    ner_project.model.interactive_preannotations = enabled
    session.commit()
    state = _editor_state(annotator_client, ner_project.project)
    assert state.get("suggest_url") == (f"/projects/{ner_project.project.id}/stream/suggest" if enabled else None)

