"""Train the built-in model (ML-4) from annotations into a new ModelVersion with metrics.

Metrics are measured on held-out data: the ground-truth tasks when there are enough of
them, else a seeded 20% split. The stored model is then refit on every example.
"""
from __future__ import annotations

import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.labeling import ControlType, parse_config
from webapp.ml.builtin.bundle import BuiltinBundle, dump_bundle
from webapp.ml.dataset import Examples, examples_for, human_annotations
from webapp.ml.errors import TrainingError
from webapp.ml.jobs import report_progress
from webapp.ml.scoring import choices_match, span_f1
from webapp.models import Project
from webapp.models._types import utcnow
from webapp.models.ml import BackgroundJob, MLModel, ModelKind, ModelVersion

MIN_HELD_OUT = 5


def _new_estimator(control):
    # Imported here, not at the top: importing the web app must not load them (issue 14).
    from webapp.ml.builtin.classifier import TextClassifier
    from webapp.ml.builtin.tagger import SpanTagger

    return TextClassifier(control.multiple) if control.type is ControlType.CHOICES else SpanTagger()


def _fit(control, ex: Examples, rows: list[int]):
    return _new_estimator(control).fit([ex.texts[i] for i in rows], [ex.targets[i] for i in rows])


def _evaluate(control, ex: Examples) -> dict:
    n = len(ex.texts)
    held = [i for i in range(n) if ex.ground_truth[i]]
    on = "ground_truth"
    if len(held) < MIN_HELD_OUT or n - len(held) < MIN_HELD_OUT:
        if n < 2 * MIN_HELD_OUT:
            return {"examples": n, "note": "too few examples to hold some out"}
        held, on = sorted(random.Random(0).sample(range(n), max(MIN_HELD_OUT, n // 5))), "split"
    held_set = set(held)
    train = [i for i in range(n) if i not in held_set]
    estimator = _fit(control, ex, train)
    predicted = estimator.predict([ex.texts[i] for i in held])
    if control.type is ControlType.CHOICES:
        hits = [choices_match(p.choices, ex.targets[i]) for p, i in zip(predicted, held)]
        return {"examples": n, "evaluated_on": on, "held_out": len(held), "accuracy": sum(hits) / len(hits)}
    gold = [[(s, e, lab) for s, e, lab in ex.targets[i]] for i in held]
    guess = [[(s.start, s.end, s.label) for s in spans] for spans, _ in predicted]
    return {"examples": n, "evaluated_on": on, "held_out": len(held), "f1": span_f1(gold, guess)}


def train_builtin(session: Session, model: MLModel, job: BackgroundJob | None = None) -> ModelVersion:
    if model.kind is not ModelKind.BUILTIN:
        raise TrainingError("Only the built-in model trains here; external backends train themselves.")
    project = session.get(Project, model.project_id)
    config = parse_config(project.label_config)
    examples = examples_for(config, human_annotations(session, project.id))
    usable = {name: ex for name, ex in examples.items() if ex.texts}
    if not usable:
        raise TrainingError("No annotations to learn from yet: label some tasks first.")
    estimators, metrics = {}, {}
    for step, (name, ex) in enumerate(usable.items()):
        control = config.controls[name]
        metrics[name] = _evaluate(control, ex)
        estimators[name] = _fit(control, ex, list(range(len(ex.texts))))
        if job is not None:
            report_progress(session, job, step + 1, len(usable))
    begin_write(session)
    count = session.scalar(select(func.count()).where(ModelVersion.model_id == model.id)) or 0
    version = ModelVersion(
        model_id=model.id, version=f"quorum-{model.id}-v{count + 1}-{utcnow():%Y%m%d%H%M%S%f}",
        metrics=metrics, artefact=dump_bundle(BuiltinBundle(estimators)),
    )
    session.add(version)
    session.flush()
    return version
