"""Built-in span labeler for a Labels control (ML-4): a linear-chain CRF over BIO tags.

Tokens come from spaCy's blank English tokenizer (no model download), so span offsets are
Python string indices into the task text, exactly (spaCy counts code points, as Python
does, so an emoji before an entity shifts nothing). CRFsuite (python-crfsuite) labels the
whole sequence at once; a region's score is the mean marginal probability of its tags, and
the task's score the least confident token's marginal (SAMP-3, AL-1).
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import pycrfsuite
import spacy

OUTSIDE = "O"
# Chosen on WNUT17 dev (bench/ml.py): a strong L1 prunes the many rare word/affix features,
# which helps most with 100-500 labels and halves the artefact; F1 stops improving after
# about 100 L-BFGS iterations (50: lower, 200: no better).
TRAINER_PARAMS = {"c1": 0.3, "c2": 0.01, "max_iterations": 100, "feature.possible_transitions": True}
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


# ---- features ----

def _short_shape(text: str) -> str:
    """Runs of one character class collapsed ("McDonald's" -> "XxXx'x"): generalises better
    than spaCy's shape_, which keeps up to four characters per run."""
    out = []
    for ch in text:
        c = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _context(t) -> list[str]:
    """What a neighbour contributes: enough to see "the ___ of" or a run of capitals."""
    return ["w=" + t.lower_, "sh=" + _short_shape(t.text), "title" if t.is_title else "notitle"]


def _own(t, first: bool) -> list[str]:
    low, text = t.lower_, t.text
    feats = ["bias", "w=" + low, "shape=" + t.shape_, "sh=" + _short_shape(text), f"len={min(len(text), 8)}"]
    feats += [f"p{k}={low[:k]}" for k in range(1, 5) if len(low) >= k]
    feats += [f"s{k}={low[-k:]}" for k in range(1, 5) if len(low) >= k]
    flags = {"title": t.is_title, "upper": t.is_upper and len(text) > 1, "digit": t.is_digit,
             "url": t.like_url, "at": text.startswith("@"), "hash": text.startswith("#"),
             "punct": t.is_punct, "hyphen": "-" in text, "hasdigit": any(c.isdigit() for c in text),
             "mixedcase": any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)}
    feats += [name for name, on in flags.items() if on]
    # A capital at the start of a sentence says little; elsewhere it says "name".
    if t.is_title:
        feats.append("title@start" if first else "title@inside")
    return feats


def _sequence_features(doc) -> list[list[str]]:
    """One feature list per token: its own features, its ±2 neighbours', the capitalisation
    pattern around it and the text's overall casing (all-caps or all-lowercase tweets)."""
    own = [_context(t) for t in doc]
    casing = "upper" if doc.text.isupper() else "lower" if doc.text.islower() else "mixed"
    out = []
    for i, t in enumerate(doc):
        first = i == 0 or doc[i - 1].text in {".", "!", "?", ":"}
        feats = _own(t, first) + ["case=" + casing]
        for off in (-2, -1, 1, 2):
            j = i + off
            feats += [f"{off}:{f}" for f in own[j]] if 0 <= j < len(doc) else [f"{off}:edge"]
        feats.append("pat=" + "".join("X" if 0 <= j < len(doc) and doc[j].is_title else "x" for j in (i - 1, i, i + 1)))
        if i > 0:
            feats.append(f"bigram={doc[i - 1].lower_}|{t.lower_}")
        out.append(feats)
    return out


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


# ---- the model ----

class SpanTagger:
    def __init__(self):
        self.model_bytes: bytes | None = None  # the CRFsuite model file's content
        self.empty = False  # no entity seen in training: predict none
        self._tagger = None
        self._legacy = None  # an artefact of the logistic-regression tagger (see __setstate__)

    def fit(self, texts: list[str], spans: list[list[tuple[int, int, str]]]) -> "SpanTagger":
        trainer = pycrfsuite.Trainer(verbose=False)
        trainer.set_params(TRAINER_PARAMS)
        seen = set()
        for doc, task_spans in zip(tokenizer().pipe(texts), spans):
            if len(doc):
                tags = bio_tags(doc, task_spans)
                seen.update(tags)
                trainer.append(_sequence_features(doc), tags)
        if len(seen - {OUTSIDE}) == 0:
            self.empty = True
            return self
        # CRFsuite trains only into a file: read it back and delete it, so the tagger pickles.
        with tempfile.TemporaryDirectory(prefix="quorum-crf-") as tmp:
            path = os.path.join(tmp, "model.crfsuite")
            trainer.train(path)
            with open(path, "rb") as f:
                self.model_bytes = f.read()
        self._tagger = None
        return self

    def __getstate__(self) -> dict:
        # The open CRFsuite tagger is a C object: keep only the model bytes.
        return {"model_bytes": self.model_bytes, "empty": self.empty, "legacy": self._legacy}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        if "pipeline" in state:  # pickled by the logistic-regression tagger (before the CRF)
            self.empty, self._legacy = state.get("empty", False), state["pipeline"]
            return
        self.model_bytes, self.empty, self._legacy = state["model_bytes"], state["empty"], state.get("legacy")

    def _crf(self) -> pycrfsuite.Tagger:
        if self._tagger is None:
            self._tagger = pycrfsuite.Tagger()
            self._tagger.open_inmemory(self.model_bytes)  # reads self.model_bytes, kept alive with us
        return self._tagger

    def predict(self, texts: list[str]) -> list[tuple[list[Span], float]]:
        out = []
        for doc in tokenizer().pipe(texts):
            if self.empty or len(doc) == 0:
                out.append(([], 1.0))
                continue
            tags, best = self._legacy_tag(doc) if self._legacy is not None else self._tag(doc)
            out.append((_decode(doc, tags, best), min(best)))
        return out

    def _tag(self, doc) -> tuple[list[str], list[float]]:
        """Viterbi tags and, per token, the marginal probability of its tag."""
        crf = self._crf()
        crf.set(_sequence_features(doc))
        tags = crf.tag()
        return tags, [crf.marginal(tag, i) for i, tag in enumerate(tags)]

    def _legacy_tag(self, doc) -> tuple[list[str], list[float]]:
        """An old version keeps predicting (weakly) until the manager trains again."""
        probs = self._legacy.predict_proba([_legacy_features(doc, i) for i in range(len(doc))])
        classes = self._legacy.classes_
        return [str(classes[row.argmax()]) for row in probs], [float(row.max()) for row in probs]


def _legacy_features(doc, i: int) -> dict:
    """The logistic-regression tagger's features, unchanged: its pickles need them."""
    def word(j: int, tag: str) -> dict:
        if j < 0 or j >= len(doc):
            return {f"{tag}:edge": 1}
        return {f"{tag}:lower={doc[j].lower_}": 1, f"{tag}:shape={doc[j].shape_}": 1}
    t = doc[i]
    feats = {"bias": 1, f"suffix3={t.lower_[-3:]}": 1, f"prefix3={t.lower_[:3]}": 1,
             "title": int(t.is_title), "upper": int(t.is_upper), "digit": int(t.is_digit),
             "url": int(t.like_url), "at": int(t.text.startswith("@")), "hash": int(t.text.startswith("#"))}
    for offset, tag in ((-2, "p2"), (-1, "p1"), (0, "w"), (1, "n1"), (2, "n2")):
        feats.update(word(i + offset, tag))
    return feats


def _decode(doc, tags: list[str], best: list[float]) -> list[Span]:
    """BIO to character spans; an I- without its B- starts a span (lenient decoding).
    Whitespace tokens (spaCy keeps runs of spaces) never start or end a span."""
    spans, i = [], 0
    while i < len(tags):
        if tags[i] == OUTSIDE or doc[i].is_space:
            i += 1
            continue
        label, j = tags[i][2:], i + 1
        while j < len(tags) and tags[j] == "I-" + label:
            j += 1
        end = j
        while doc[end - 1].is_space:
            end -= 1
        start_char, end_char = doc[i].idx, doc[end - 1].idx + len(doc[end - 1].text)
        spans.append(Span(start_char, end_char, label, sum(best[i:end]) / (end - i)))
        i = j
    return spans
