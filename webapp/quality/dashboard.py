"""Aggregates for the quality dashboard and the agreement API (QA-4..6).

Counts, the mean and the histogram are single SQL aggregates over Task.agreement. The
pairwise, per-label and chance-corrected figures need the results themselves, so they
read a bounded sample: the newest SAMPLE_TASKS tasks that have an agreement.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from webapp.data_manager.query import TaskQuery
from webapp.labeling import ControlType
from webapp.models import Annotation, Project, Task, User
from webapp.quality.agreement import AgreementSettings, label_agreement, pair_agreement
from webapp.quality.kappa import cohen_kappa, fleiss_kappa, krippendorff_alpha_nominal

SAMPLE_TASKS = 500
BUCKETS = 10  # 0-10%, 10-20%, ..., 90-100%
LOW_TASKS_SHOWN = 20


@dataclass
class Sample:
    """Per task of the sample: (annotator email, result) of each submitted annotation."""

    tasks: dict[int, list[tuple[str, list]]] = field(default_factory=dict)


def agreement_stats(session: Session, project: Project) -> dict:
    """Tasks with an agreement, their mean, the histogram and the QA-5 counts, in SQL."""
    bucket = case(*[(Task.agreement >= b * 100 / BUCKETS, b) for b in range(BUCKETS - 1, 0, -1)], else_=0)
    measured = (Task.project_id == project.id, Task.agreement.is_not(None))
    counts = dict(session.execute(
        select(bucket, func.count()).where(*measured).group_by(bucket)
    ).all())
    mean, below, flagged = session.execute(
        select(
            func.avg(Task.agreement),
            func.coalesce(func.sum(case((Task.agreement < project.agreement_threshold, 1), else_=0)), 0),
            select(func.count()).where(Task.project_id == project.id, Task.needs_attention.is_(True))
            .scalar_subquery(),
        ).where(*measured)
    ).one()
    width = 100 // BUCKETS
    return {
        "tasks": sum(counts.values()),
        "mean": None if mean is None else round(float(mean), 2),
        "distribution": [{"from": b * width, "to": (b + 1) * width, "tasks": counts.get(b, 0)}
                         for b in range(BUCKETS)],
        "below_threshold": int(below),
        "needs_attention": int(flagged),
        "threshold": project.agreement_threshold,
    }


def load_sample(session: Session, project: Project, size: int = SAMPLE_TASKS) -> Sample:
    task_ids = select(Task.id).where(Task.project_id == project.id, Task.agreement.is_not(None)) \
        .order_by(Task.id.desc()).limit(size).scalar_subquery()
    sample = Sample()
    for task_id, email, result in session.execute(
        select(Annotation.task_id, User.email, Annotation.result)
        .join(User, User.id == Annotation.completed_by_id)
        .where(Annotation.task_id.in_(task_ids), Annotation.was_cancelled.is_(False))
        .order_by(Annotation.task_id, Annotation.id)
    ):
        sample.tasks.setdefault(task_id, []).append((email, result))
    return sample


def pairwise(sample: Sample, settings: AgreementSettings) -> dict[tuple[str, str], tuple[float, int]]:
    """(annotator, annotator) → (mean agreement 0..1, shared tasks), both orders."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rows in sample.tasks.values():
        for (ua, ra), (ub, rb) in combinations(rows, 2):
            score = pair_agreement(ra, rb, settings)
            sums[(ua, ub)].append(score)
            sums[(ub, ua)].append(score)
    return {key: (sum(v) / len(v), len(v)) for key, v in sums.items()}


def per_annotator(pairs: dict[tuple[str, str], tuple[float, int]]) -> list[dict]:
    """Each annotator's mean agreement with the others, weighted by shared tasks."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for (ua, _), (mean, n) in pairs.items():
        totals[ua][0] += mean * n
        totals[ua][1] += n
    return [{"annotator": u, "agreement": round(100 * s / n, 2), "pairs": int(n)}
            for u, (s, n) in sorted(totals.items())]


def per_label(sample: Sample, settings: AgreementSettings) -> list[dict]:
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rows in sample.tasks.values():
        for key, score in label_agreement([r for _, r in rows], settings).items():
            sums[key].append(score)
    return [{"control": c, "label": label, "agreement": round(100 * sum(v) / len(v), 2), "tasks": len(v)}
            for (c, label), v in sorted(sums.items())]


def chance_corrected(sample: Sample, settings: AgreementSettings) -> dict:
    """Kappa and alpha over the first Choices control, each selection one category.
    Cohen's kappa is for the two annotators who share the most tasks."""
    name = next((c.name for c in settings.config.controls.values() if c.type is ControlType.CHOICES), None)
    if name is None:
        return {"control": None, "cohen_kappa": None, "cohen_pair": None, "fleiss_kappa": None,
                "krippendorff_alpha": None}
    units, by_pair = [], defaultdict(list)
    for rows in sample.tasks.values():
        labels = [(u, _category(r, name)) for u, r in rows]
        units.append([c for _, c in labels])
        for (ua, ca), (ub, cb) in combinations(sorted(labels), 2):
            by_pair[(ua, ub)].append((ca, cb))
    pair = max(by_pair, key=lambda p: len(by_pair[p]), default=None)
    return {
        "control": name,
        "cohen_kappa": _round(cohen_kappa(by_pair[pair])) if pair else None,
        "cohen_pair": list(pair) if pair else None,
        "fleiss_kappa": _round(fleiss_kappa(units)),
        "krippendorff_alpha": _round(krippendorff_alpha_nominal(units)),
    }


def _category(result: list, control: str) -> str:
    chosen = sorted(v for i in result or [] if isinstance(i, dict) and i.get("from_name") == control
                    for v in (i.get("value") or {}).get("choices") or [])
    return "|".join(chosen)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def low_agreement_tasks(session: Session, project: Project, limit: int = LOW_TASKS_SHOWN) -> list[Task]:
    """Flagged tasks first, then the lowest agreements below the threshold."""
    return list(session.scalars(
        select(Task).where(Task.project_id == project.id, Task.agreement < project.agreement_threshold)
        .order_by(Task.needs_attention.desc(), Task.agreement, Task.id).limit(limit)
    ))


def data_manager_links(project: Project) -> dict[str, dict[str, str]]:
    """Data Manager URL parameters (TaskQuery's own names) of the tasks below the
    threshold and of the flagged ones (QA-5). Agreement is stored with two decimals
    (refresh.as_percent), so "below t" is "at most t - 0.01"."""
    below = TaskQuery(ranges=(("agreement", None, project.agreement_threshold - 0.01),), sort="agreement")
    flagged = TaskQuery(flags=(("needs_attention", True),), sort="agreement")
    return {"below_threshold": below.params(), "needs_attention": flagged.params()}


def summary(session: Session, project: Project) -> dict:
    """Everything the API and the dashboard show, as plain JSON-ready values."""
    settings = AgreementSettings.from_project(project)
    sample = load_sample(session, project)
    pairs = pairwise(sample, settings)
    return {
        **agreement_stats(session, project),
        "sample_tasks": len(sample.tasks),
        **chance_corrected(sample, settings),
        "per_annotator": per_annotator(pairs),
        "pairwise": [{"a": a, "b": b, "agreement": round(100 * m, 2), "tasks": n}
                     for (a, b), (m, n) in sorted(pairs.items())],
        "per_label": per_label(sample, settings),
    }
