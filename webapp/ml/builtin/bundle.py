"""The built-in model's stored artefact: one estimator per control, pickled.

Pickles name the classes they hold. Versions trained before the estimators moved into this
package name `webapp.ml.builtin_classifier`, `webapp.ml.builtin_ner` and
`webapp.ml.training.BuiltinBundle`; `LEGACY_PATHS` maps those names to today's so stored
versions keep loading without keeping the old modules around.
"""
from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # scikit-learn and spaCy load only where a model trains or predicts
    from webapp.ml.builtin.classifier import TextClassifier
    from webapp.ml.builtin.tagger import SpanTagger
    from webapp.models.ml import ModelVersion

LEGACY_PATHS = {
    ("webapp.ml.training", "BuiltinBundle"): ("webapp.ml.builtin.bundle", "BuiltinBundle"),
    "webapp.ml.builtin_classifier": "webapp.ml.builtin.classifier",
    "webapp.ml.builtin_ner": "webapp.ml.builtin.tagger",
}


@dataclass
class BuiltinBundle:
    """The pickled artefact: one estimator per control, keyed by control name."""

    estimators: dict[str, TextClassifier | SpanTagger]


class _Unpickler(pickle.Unpickler):
    """Resolves the class paths of bundles pickled before the move (see LEGACY_PATHS)."""

    def find_class(self, module: str, name: str):
        module, name = LEGACY_PATHS.get((module, name), (LEGACY_PATHS.get(module, module), name))
        return super().find_class(module, name)


def dump_bundle(bundle: BuiltinBundle) -> bytes:
    return pickle.dumps(bundle)


def load_bundle(version: ModelVersion) -> BuiltinBundle:
    # Artefacts are written only by train_builtin, never uploaded, so unpickling is safe.
    return _Unpickler(io.BytesIO(version.artefact)).load()
