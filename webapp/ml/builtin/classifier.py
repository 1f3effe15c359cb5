"""Built-in text classifier for a Choices control (ML-4): TF-IDF + logistic regression.

Single choice: one multinomial model, score = probability of the chosen class.
Multiple choice: one-vs-rest, a label is chosen at p >= 0.5 (the top one if none is),
score = the least confident of the per-label yes/no decisions. Logistic regression's
predict_proba is well calibrated for linear text models, and unlike CalibratedClassifierCV
it needs no minimum number of examples per class, which small projects do not have.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer


@dataclass(frozen=True)
class ChoicePrediction:
    choices: list[str]
    score: float


def _features() -> FeatureUnion:
    # Words and character n-grams: short commands need the sub-word signal.
    return FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
    ])


class TextClassifier:
    def __init__(self, multiple: bool):
        self.multiple = multiple
        self.pipeline = None
        self.binarizer: MultiLabelBinarizer | None = None
        self.constant: str | None = None  # only one class seen: nothing to learn

    def fit(self, texts: list[str], labels: list[list[str]]) -> "TextClassifier":
        if self.multiple:
            self.binarizer = MultiLabelBinarizer()
            y = self.binarizer.fit_transform(labels)
            estimator = OneVsRestClassifier(LogisticRegression(C=10, max_iter=2000))
        else:
            y = [lab[0] for lab in labels]
            if len(set(y)) < 2:
                self.constant = y[0]
                return self
            estimator = LogisticRegression(C=10, max_iter=2000)
        self.pipeline = make_pipeline(_features(), estimator).fit(texts, y)
        return self

    def predict(self, texts: list[str]) -> list[ChoicePrediction]:
        if self.constant is not None:
            return [ChoicePrediction([self.constant], 1.0) for _ in texts]
        probs = self.pipeline.predict_proba(texts)
        if not self.multiple:
            classes = self.pipeline.classes_
            return [ChoicePrediction([str(classes[row.argmax()])], float(row.max())) for row in probs]
        classes = self.binarizer.classes_
        out = []
        for row in probs:
            chosen = [str(c) for c, p in zip(classes, row) if p >= 0.5] or [str(classes[row.argmax()])]
            out.append(ChoicePrediction(chosen, float(np.maximum(row, 1 - row).min())))
        return out
