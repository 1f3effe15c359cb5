"""The Data Manager's columns: what each shows, how it sorts and filters, who may see it.

Sortable and range-filterable columns are plain Task counters, each walked through its
own (project_id, column, id) index (see indexes.py), so a page is an index walk with a
LIMIT whatever the project's size. Columns computed from other tables (annotators,
reviewers, review state, prediction score) are read for the visible page only.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.sql.elements import ColumnElement

from webapp.models import Task


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort: ColumnElement | None = None  # None: not sortable
    range_filter: bool = False  # min/max filter on `sort`
    flag_filter: bool = False  # yes/no filter on the boolean `sort`
    default: bool = True  # shown before the user picks columns


COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", Task.id),
    Column("data", "Data"),
    Column("annotations", "Annotations", Task.total_annotations, range_filter=True),
    Column("skipped", "Skipped", Task.cancelled_annotations, range_filter=True),
    Column("predictions", "Predictions", Task.total_predictions, range_filter=True),
    Column("prediction_score", "Prediction score"),
    Column("agreement", "Agreement", Task.agreement, range_filter=True),
    Column("annotators", "Annotators"),
    Column("reviewers", "Reviewers"),
    Column("reviewed", "Reviewed", Task.is_reviewed, flag_filter=True),  # review counters (REV-2)
    Column("ground_truth", "Ground truth", Task.has_ground_truth, flag_filter=True),
    # QA-5: below the agreement threshold with no annotator left to add.
    Column("needs_attention", "Needs attention", Task.needs_attention, flag_filter=True),
    Column("updated", "Updated", Task.updated_at, default=False),
)
BY_KEY = {c.key: c for c in COLUMNS}
# Visibility rules may withhold these; the rest are every viewer's (OPT-3, REV-6, REV-8).
WITHHOLDABLE = frozenset({"annotators", "agreement", "needs_attention", "reviewers"})
# Columns that follow agreement's visibility (they reveal how annotators agree).
WITH_AGREEMENT = frozenset({"agreement", "needs_attention"})


def sortable(allowed: frozenset[str]) -> list[Column]:
    return [c for c in COLUMNS if c.sort is not None and c.key in allowed]
