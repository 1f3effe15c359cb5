"""Built-in span labeler for a Labels control (ML-4): a maximum-entropy BIO token tagger.

Tokens come from spaCy's blank English tokenizer (no model download), so span offsets
are Python string indices into the task text, exactly. A logistic regression over
token-window features gives every token a tag probability; a region's score is the mean
probability of its tags, and the task's score the least confident token (SAMP-3, AL-1).
"""
from __future__ import annotations

from dataclasses import dataclass

import spacy
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

OUTSIDE = "O"
_nlp = None


def tokenizer():
    global _nlp
    if _nlp is None:
        _nlp = spacy.blank("en")
    return _nlp


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    score: float


def _token_features(doc, i: int) -> dict:
    def word(j: int, tag: str) -> dict:
        if j < 0 or j >= len(doc):
            return {f"{tag}:edge": 1}
        t = doc[j]
        return {f"{tag}:lower={t.lower_}": 1, f"{tag}:shape={t.shape_}": 1}
    t = doc[i]
    feats = {"bias": 1, f"suffix3={t.lower_[-3:]}": 1, f"prefix3={t.lower_[:3]}": 1,
             "title": int(t.is_title), "upper": int(t.is_upper), "digit": int(t.is_digit),
             "url": int(t.like_url), "at": int(t.text.startswith("@")), "hash": int(t.text.startswith("#"))}
    for offset, tag in ((-2, "p2"), (-1, "p1"), (0, "w"), (1, "n1"), (2, "n2")):
        feats.update(word(i + offset, tag))
    return feats


def bio_tags(doc, spans: list[tuple[int, int, str]]) -> list[str]:
    """Tags for `doc`; a span not on token boundaries is expanded to whole tokens."""
    tags = [OUTSIDE] * len(doc)
    for start, end, label in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or any(tags[k] != OUTSIDE for k in range(span.start, span.end)):
            continue  # outside the text, or overlapping a span already tagged
        for k in range(span.start, span.end):
            tags[k] = ("B-" if k == span.start else "I-") + label
    return tags


class SpanTagger:
    def __init__(self):
        self.pipeline = None
        self.empty = False  # no entity seen in training: predict none

    def fit(self, texts: list[str], spans: list[list[tuple[int, int, str]]]) -> "SpanTagger":
        X, y = [], []
        for doc, task_spans in zip(tokenizer().pipe(texts), spans):
            X.extend(_token_features(doc, i) for i in range(len(doc)))
            y.extend(bio_tags(doc, task_spans))
        if len(set(y)) < 2:
            self.empty = True
            return self
        self.pipeline = make_pipeline(DictVectorizer(), LogisticRegression(C=5, max_iter=2000)).fit(X, y)
        return self

    def predict(self, texts: list[str]) -> list[tuple[list[Span], float]]:
        out = []
        for doc in tokenizer().pipe(texts):
            if self.empty or len(doc) == 0:
                out.append(([], 1.0))
                continue
            probs = self.pipeline.predict_proba([_token_features(doc, i) for i in range(len(doc))])
            classes = self.pipeline.classes_
            tags = [str(classes[row.argmax()]) for row in probs]
            best = [float(row.max()) for row in probs]
            out.append((_decode(doc, tags, best), min(best)))
        return out


def _decode(doc, tags: list[str], best: list[float]) -> list[Span]:
    """BIO to character spans; an I- without its B- starts a span (lenient decoding)."""
    spans, i = [], 0
    while i < len(tags):
        if tags[i] == OUTSIDE:
            i += 1
            continue
        label, j = tags[i][2:], i + 1
        while j < len(tags) and tags[j] == "I-" + label:
            j += 1
        start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
        spans.append(Span(start, end, label, sum(best[i:j]) / (j - i)))
        i = j
    return spans
