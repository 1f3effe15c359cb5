"""Built-in models (ML-4): trained in the background from annotations, versions with metrics."""
from __future__ import annotations

from sqlalchemy import select

from tests.ml.conftest import choice_item, choices_config
from webapp.ml.builtin.train import train_builtin
from webapp.ml.pipeline import run_pending_jobs
from webapp.ml.predict import predict_tasks
from webapp.ml.training import enqueue_training
from webapp.models import Prediction
from webapp.models.ml import BackgroundJob, JobStatus, ModelVersion


def _versions(session, model):
    return session.scalars(select(ModelVersion).where(ModelVersion.model_id == model.id)).all()


def test_classifier_learns_slurp_scenarios__ML_4(session, slurp):
    enqueue_training(session, slurp.model)
    session.commit()
    run_pending_jobs(session)
    (version,) = _versions(session, slurp.model)
    metrics = version.metrics["intent"]
    assert metrics["evaluated_on"] == "split" and metrics["examples"] == 200
    assert metrics["accuracy"] > 0.4  # 18 scenarios: chance is about 0.06

    predict_tasks(session, slurp.project, [t.id for t in slurp.tasks[200:]])
    session.commit()
    run_pending_jobs(session)
    predictions = session.scalars(select(Prediction).where(Prediction.model_version == version.version)).all()
    assert len(predictions) == 40
    for p in predictions:
        assert 0 < p.score <= 1 and p.result[0]["value"]["choices"] and p.result[0]["score"] == p.score
    by_task = {p.task_id: p for p in predictions}
    expected = {t.id: t.data for t in slurp.tasks[200:]}
    assert all(by_task[tid].result[0]["type"] == "choices" for tid in expected)


def test_metrics_use_ground_truth_when_there_is_enough__ML_4(session, labeled):
    texts = [f"I love it {i}" for i in range(10)] + [f"I hate it {i}" for i in range(10)]
    results = [[choice_item("pos")]] * 10 + [[choice_item("neg")]] * 10
    order = [i // 2 + (10 if i % 2 else 0) for i in range(20)]  # alternate classes
    lab = labeled(choices_config(["pos", "neg"]), [texts[i] for i in order], [results[i] for i in order],
                  ground_truth=6)
    version = train_builtin(session, lab.model)
    assert version.metrics["intent"]["evaluated_on"] == "ground_truth"
    assert version.metrics["intent"]["held_out"] == 6


def test_multi_label_classifier__ML_4(session, labeled):
    texts, results = [], []
    for i in range(30):
        tags = [t for t, on in (("sport", i % 2 == 0), ("money", i % 3 == 0)) if on] or ["other"]
        words = {"sport": "football match goal", "money": "bank price dollars", "other": "weather today"}
        texts.append(" ".join(words[t] for t in tags) + f" item {i}")
        results.append([choice_item(*tags)])
    lab = labeled(choices_config(["sport", "money", "other"], multiple=True), texts, results)
    version = train_builtin(session, lab.model)
    session.commit()
    from webapp.ml.predict import write_predictions

    write_predictions(session, lab.project, version, lab.tasks[:6])
    got = {p.task_id: set(p.result[0]["value"]["choices"])
           for p in session.scalars(select(Prediction).where(Prediction.model_version == version.version))}
    assert got[lab.tasks[0].id] == {"sport", "money"} and got[lab.tasks[1].id] == {"other"}


def test_ner_spans_match_their_offsets__ML_4(session, wnut):
    version = train_builtin(session, wnut.model)
    session.commit()
    assert "f1" in version.metrics["label"]
    from webapp.ml.predict import write_predictions

    write_predictions(session, wnut.project, version, wnut.tasks)
    predictions = session.scalars(select(Prediction).where(Prediction.model_version == version.version)).all()
    texts = {t.id: t.data["text"] for t in wnut.tasks}
    regions = [(p, r) for p in predictions for r in p.result]
    assert len(regions) >= 10  # it learned something from 200 sentences
    for p, r in regions:
        v = r["value"]
        assert texts[p.task_id][v["start"]:v["end"]] == v["text"] and v["text"].strip() == v["text"]
        assert 0 < r["score"] <= 1 and p.score <= r["score"] + 1e-9


def test_training_without_annotations_fails_in_words__ML_4(session, labeled):
    lab = labeled(choices_config(["a", "b"]), ["x", "y"], [], n_labeled=0)
    job = enqueue_training(session, lab.model)
    session.commit()
    run_pending_jobs(session)
    session.refresh(job)
    assert job.status is JobStatus.FAILED and "label some tasks first" in job.message
    assert session.query(BackgroundJob).count() == 1


NAMES = ["Alice Smith", "Bob Jones", "Carla Diaz", "Dev Patel", "Emma Stone", "Farid Khan"]
PLACES = ["Paris", "Berlin", "Lagos", "Lima", "Oslo", "Tokyo"]


def _sentence(i: int) -> tuple[str, list[tuple[int, int, str]]]:
    """A text with an astral character (emoji) and a combining accent before its entities."""
    prefix = ["😀 ", "🎉🎉 ", "café́ ", ""][i % 4]
    name, place = NAMES[i % 6], PLACES[(i // 6) % 6]
    text = f"{prefix}yesterday I met {name} in {place} again"
    start = text.index(name)
    return text, [(start, start + len(name), "person"), (text.index(place), text.index(place) + len(place), "location")]


def test_crf_tagger_pickles_and_keeps_exact_offsets__ML_4(tmp_path, monkeypatch):
    import pickle
    import tempfile

    from webapp.ml.builtin.tagger import SpanTagger

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where CRFsuite's model file goes
    texts, spans = zip(*(_sentence(i) for i in range(36)))
    tagger = pickle.loads(pickle.dumps(SpanTagger().fit(list(texts), list(spans))))
    assert list(tmp_path.iterdir()) == []  # the model file was read back and deleted

    text = "🙂🙂 yesterday I met Emma Stone in Lagos again"
    ((found, task_score),) = tagger.predict([text])
    assert [(text[s.start:s.end], s.label) for s in found] == [("Emma Stone", "person"), ("Lagos", "location")]
    assert found[0].start == text.index("Emma")  # Python string indices, not UTF-16 or bytes
    assert all(0 < task_score <= s.score <= 1 for s in found)
    (empty, blank) = tagger.predict(["", "   "])
    assert empty == ([], 1.0) and blank[0] == []  # nothing to find, no span of spaces


class _OldTaggerPickle:
    """Pickles as the logistic-regression SpanTagger did: the class, then its __dict__."""

    def __init__(self, state: dict):
        self.state = state

    def __reduce__(self):
        from webapp.ml.builtin.tagger import SpanTagger

        return object.__new__, (SpanTagger,), self.state


def test_an_old_logistic_regression_artefact_still_predicts__ML_4():
    """Versions trained before the CRF keep predicting until the manager trains again."""
    import pickle

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from webapp.ml.builtin.tagger import _legacy_features, bio_tags, tokenizer

    X, y = [], []
    for i in range(36):
        text, spans = _sentence(i)
        doc = tokenizer()(text)
        X.extend(_legacy_features(doc, k) for k in range(len(doc)))
        y.extend(bio_tags(doc, spans))
    pipeline = make_pipeline(DictVectorizer(), LogisticRegression(max_iter=500)).fit(X, y)
    tagger = pickle.loads(pickle.dumps(_OldTaggerPickle({"pipeline": pipeline, "empty": False})))
    text = "😀 yesterday I met Bob Jones in Oslo again"
    ((found, score),) = tagger.predict([text])
    assert {text[s.start:s.end] for s in found} == {"Bob Jones", "Oslo"} and 0 < score <= 1
