"""Issue 14 item 4: model versions pickled before the built-in model moved into
webapp/ml/builtin/ (class paths webapp.ml.training.BuiltinBundle,
webapp.ml.builtin_classifier, webapp.ml.builtin_ner) still load and predict."""
import io
import pickle
from types import SimpleNamespace

from webapp.ml.builtin.bundle import BuiltinBundle, _Unpickler, load_bundle
from webapp.ml.builtin.classifier import TextClassifier
from webapp.ml.builtin.tagger import SpanTagger

OLD_NAMES = {
    b"cwebapp.ml.builtin.bundle\nBuiltinBundle\n": b"cwebapp.ml.training\nBuiltinBundle\n",
    b"cwebapp.ml.builtin.classifier\n": b"cwebapp.ml.builtin_classifier\n",
}


def _as_before_the_move(bundle: BuiltinBundle) -> bytes:
    """The bundle pickled under the old class paths (protocol 0 names classes in plain text)."""
    data = pickle.dumps(bundle, protocol=0)
    for new, old in OLD_NAMES.items():
        assert new in data
        data = data.replace(new, old)
    return data


def test_issue14_point4_a_bundle_pickled_under_the_old_paths_loads_and_predicts():
    texts = ["great film", "awful film", "great plot", "awful plot"]
    labels = [["Positive"], ["Negative"], ["Positive"], ["Negative"]]
    bundle = BuiltinBundle({"sentiment": TextClassifier(False).fit(texts, labels)})
    old = _as_before_the_move(bundle)
    assert b"webapp.ml.builtin_classifier" in old and b"webapp.ml.training" in old

    loaded = load_bundle(SimpleNamespace(artefact=old))

    assert isinstance(loaded, BuiltinBundle)
    estimator = loaded.estimators["sentiment"]
    assert isinstance(estimator, TextClassifier)
    assert [p.choices for p in estimator.predict(["great"])] == [p.choices for p in
                                                                 bundle.estimators["sentiment"].predict(["great"])]


def test_issue14_point4_the_old_tagger_path_resolves_to_the_tagger():
    unpickler = _Unpickler(io.BytesIO(b""))
    assert unpickler.find_class("webapp.ml.builtin_ner", "SpanTagger") is SpanTagger
    assert unpickler.find_class("webapp.ml.builtin_classifier", "TextClassifier") is TextClassifier
    assert unpickler.find_class("webapp.ml.training", "BuiltinBundle") is BuiltinBundle
