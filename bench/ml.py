"""`make bench` (issue 7 point 8): the built-in models' cost and quality, and AL-1's audit.

1. Train and predict times of the built-in text classifier (Choices) and NER tagger
   (Labels) at 10,000 and 100,000 tasks, drawn with repetition from ../shared/data. One fit
   is timed; the app's training job fits twice (held-out metrics, then all examples).
2. Held-out accuracy (SLURP, 18 scenarios) and exact-span entity F1 (WNUT17) reached
   with 100, 500 and all available labels; 100 and 500 are averaged over SEEDS draws.
3. AL-1: how often the audit's Wilson 95% interval (webapp/ml/autolabel.py) contains the
   true accuracy of the auto-labeled tasks, over repeated simulated audits.

Prints Markdown tables (the README's "Models" figures). Environment: BENCH_ML_SIZES
(default "10000,100000"), BENCH_ML_NER_CAP (default 20000: the NER tagger is timed on at
most this many tasks and scaled linearly beyond it, said in the table), BENCH_ML_RUNS
(simulated audits per cell, default 2000), BENCH_ML_PARTS (default "classifier,ner,audit":
which models to run; with one of them left out its rows and column are left out or "-").
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.ml.autolabel import wilson_interval  # noqa: E402
from webapp.ml.builtin.classifier import TextClassifier  # noqa: E402
from webapp.ml.builtin.tagger import SpanTagger  # noqa: E402
from webapp.ml.scoring import span_f1  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SIZES = [int(n) for n in os.environ.get("BENCH_ML_SIZES", "10000,100000").split(",")]
NER_CAP = int(os.environ.get("BENCH_ML_NER_CAP", "20000"))
RUNS = int(os.environ.get("BENCH_ML_RUNS", "2000"))
PARTS = set(os.environ.get("BENCH_ML_PARTS", "classifier,ner,audit").split(","))
SEEDS = 3
LABEL_COUNTS = (100, 500, None)  # None: every training example available
THRESHOLD = 0.9  # AL-1's default confidence threshold (AutolabelSettings)


def read(path: str) -> list[dict]:
    with (DATA / path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def slurp() -> tuple[list[str], list[list[str]]]:
    rows = read("slurp/slurp_scenarios.jsonl")
    return [r["text"] for r in rows], [[r["label"]] for r in rows]


def wnut(split: str | None = None) -> tuple[list[str], list[list[tuple]]]:
    rows = [r for r in read("wnut17/wnut17.jsonl") if split is None or r["split"] == split]
    return [r["text"] for r in rows], [[(s["start"], s["end"], s["label"]) for s in r["spans"]] for r in rows]


def make(kind: str):
    return TextClassifier(multiple=False) if kind == "classifier" else SpanTagger()


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def repeat_to(items: list, n: int) -> list:
    return [items[i % len(items)] for i in range(n)]


# ---- 1. train and predict times ----

def time_model(kind: str, texts: list[str], targets: list, n: int) -> tuple[float, float, str]:
    """(train s, predict s, note) for n tasks; NER beyond NER_CAP is measured at the cap."""
    measured = min(n, NER_CAP) if kind == "ner" else n
    order = random.Random(n).sample(range(len(texts)), len(texts))
    xs, ys = repeat_to([texts[i] for i in order], measured), repeat_to([targets[i] for i in order], measured)
    train_s, model = timed(make(kind).fit, xs, ys)
    predict_s, _ = timed(model.predict, xs)
    scale = n / measured
    note = "" if scale == 1 else f"measured on {measured:,}, scaled x{scale:g}"
    return train_s * scale, predict_s * scale, note


def speed_table() -> list[str]:
    data = {kind: load() for kind, load in (("classifier", slurp), ("ner", wnut)) if kind in PARTS}
    lines = ["| model | tasks | train | predict | predict rate | note |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for kind, (texts, targets) in data.items():
        for n in SIZES:
            train_s, predict_s, note = time_model(kind, texts, targets, n)
            name = "text classifier (SLURP texts)" if kind == "classifier" else "NER tagger (WNUT17 texts)"
            lines.append(f"| {name} | {n:,} | {train_s:.1f} s | {predict_s:.1f} s | "
                         f"{n / predict_s:,.0f} tasks/s | {note} |")
            print(lines[-1], file=sys.stderr, flush=True)
    return lines


# ---- 2. quality against held-out labels ----

def classification_scores(n_labels: int | None, seed: int) -> float:
    texts, labels = slurp()
    order = random.Random(0).sample(range(len(texts)), len(texts))
    test, pool = order[: len(order) // 5], order[len(order) // 5:]
    train = pool if n_labels is None else random.Random(seed).sample(pool, n_labels)
    model = make("classifier").fit([texts[i] for i in train], [labels[i] for i in train])
    predicted = model.predict([texts[i] for i in test])
    return sum(p.choices == labels[i] for p, i in zip(predicted, test)) / len(test)


def ner_scores(n_labels: int | None, seed: int) -> float:
    train_texts, train_spans = wnut("train")
    test_texts, test_spans = wnut("dev")
    rows = range(len(train_texts)) if n_labels is None else random.Random(seed).sample(range(len(train_texts)), n_labels)
    model = make("ner").fit([train_texts[i] for i in rows], [train_spans[i] for i in rows])
    guess = [[(s.start, s.end, s.label) for s in spans] for spans, _ in model.predict(test_texts)]
    return span_f1(test_spans, guess)


def quality_table() -> list[str]:
    total = len(slurp()[0])
    slurp_n = total - total // 5
    wnut_n = len(wnut("train")[0])
    lines = [f"| labels | SLURP accuracy (18 scenarios, {total // 5:,} held out) | WNUT17 entity F1 (dev, "
             f"{len(wnut('dev')[0]):,} held out) |",
             "| ---: | ---: | ---: |"]
    for n in LABEL_COUNTS:
        seeds = range(SEEDS) if n is not None else range(1)
        acc = f"{statistics.mean(classification_scores(n, s) for s in seeds):.3f}" if "classifier" in PARTS else "-"
        f1 = f"{statistics.mean(ner_scores(n, s) for s in seeds):.3f}" if "ner" in PARTS else "-"
        label = f"{n:,}" if n is not None else f"all ({slurp_n:,} / {wnut_n:,})"
        lines.append(f"| {label} | {acc} | {f1} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return lines


# ---- 3. AL-1: does the audit's interval hold the true accuracy? ----

def coverage(outcomes: list[bool], audit_size: int, runs: int, rng: random.Random) -> float:
    """Share of runs whose Wilson interval from a random audit of `audit_size` auto-labeled
    tasks contains the accuracy over all of them."""
    truth = sum(outcomes) / len(outcomes)
    hits = 0
    for _ in range(runs):
        sample = rng.sample(outcomes, audit_size)
        low, high = wilson_interval(sum(sample), audit_size)
        hits += low <= truth <= high
    return hits / runs


def model_outcomes(threshold: float) -> list[bool]:
    """Right/wrong of the confident predictions of a classifier trained on 500 SLURP labels."""
    texts, labels = slurp()
    order = random.Random(1).sample(range(len(texts)), len(texts))
    train, rest = order[:500], order[500:]
    model = make("classifier").fit([texts[i] for i in train], [labels[i] for i in train])
    return [p.choices == labels[i] for p, i in zip(model.predict([texts[i] for i in rest]), rest) if p.score >= threshold]


def audit_table() -> list[str]:
    rng = random.Random(7)
    lines = ["| auto-labeled tasks (true accuracy) | audit of 10 | audit of 30 | audit of 100 |",
             "| --- | ---: | ---: | ---: |"]
    populations = [(f"simulated, 10,000 at {p:.0%}", [rng.random() < p for _ in range(10_000)]) for p in (0.8, 0.9, 0.95)]
    real = model_outcomes(THRESHOLD)
    populations.append((f"SLURP model (500 labels), {len(real):,} at score >= {THRESHOLD}", real))
    for name, outcomes in populations:
        truth = sum(outcomes) / len(outcomes)
        cells = [f"{coverage(outcomes, k, RUNS, rng):.1%}" if k <= len(outcomes) else "n/a" for k in (10, 30, 100)]
        lines.append(f"| {name} ({truth:.1%}) | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    started = time.perf_counter()
    sections = [
        ("Train and predict times (one fit; single process)", speed_table),
        ("Held-out quality by number of labels", quality_table),
        (f"AL-1: Wilson 95% interval contains the true accuracy ({RUNS:,} simulated audits per cell)", audit_table),
    ]
    if "audit" not in PARTS:
        sections.pop()
    for title, build in sections:
        print(f"\n{title}\n")
        print("\n".join(build()), flush=True)
    print(f"\n(bench/ml.py ran in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
