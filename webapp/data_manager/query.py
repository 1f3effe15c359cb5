"""The Data Manager's task query: filters, ordering and bounded offset paging.

Every page is one SELECT id ... ORDER BY <column>, id LIMIT size+1 along an index (the
extra row says whether a next page exists, so nothing counts the project), then the
page's rows by id and a few IN queries over those ids for the computed columns (page.py). Offsets are bounded
(MAX_OFFSET): past it, narrow the filters instead of paging deeper.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import Select, Text, cast, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from webapp.data_manager.columns import BY_KEY, COLUMNS, sortable
from webapp.data_manager.visibility import Viewer
from webapp.models import Annotation, Project, Task

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class TaskQuery:
    """One view of the table, parsed from (and written back to) URL parameters."""

    q: str = ""  # text search in the task data
    label: str = ""  # a label or choice some annotation uses
    annotator: int | None = None
    ground_truth: bool | None = None
    ranges: tuple[tuple[str, float | None, float | None], ...] = ()  # (column, min, max)
    sort: str = "id"  # a sortable column key, "-" prefixed for descending
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    columns: tuple[str, ...] = field(default_factory=lambda: tuple(c.key for c in COLUMNS if c.default))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def range_of(self, key: str) -> tuple[float | None, float | None]:
        return next(((low, high) for k, low, high in self.ranges if k == key), (None, None))

    def params(self, **changes) -> dict[str, str]:
        """URL parameters for this query (with `changes` applied), defaults left out."""
        query = replace(self, **changes)
        out = {"q": query.q, "label": query.label, "annotator": query.annotator or ""}
        if query.ground_truth is not None:
            out["ground_truth"] = "yes" if query.ground_truth else "no"
        for key, low, high in query.ranges:
            out[f"{key}_min"], out[f"{key}_max"] = _num(low), _num(high)
        if query.sort != "id":
            out["sort"] = query.sort
        if query.page != 1:
            out["page"] = query.page
        if query.size != DEFAULT_PAGE_SIZE:
            out["size"] = query.size
        if query.columns != TaskQuery().columns:
            out["cols"] = ",".join(query.columns)
        return {k: str(v) for k, v in out.items() if v not in ("", None)}


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _float(raw: str | None) -> float | None:
    try:
        return float(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw not in (None, "") else default
    except ValueError:
        return default


def parse_query(args: Mapping[str, str], viewer: Viewer) -> TaskQuery:
    """Read URL parameters; anything unknown, malformed or withheld from the viewer is
    dropped, so a filter or sort can never reveal a withheld column (OPT-3, REV-8)."""
    allowed = viewer.columns
    ranges = tuple(
        (c.key, _float(args.get(f"{c.key}_min")), _float(args.get(f"{c.key}_max")))
        for c in COLUMNS
        if c.range_filter and c.key in allowed
        and (args.get(f"{c.key}_min") or args.get(f"{c.key}_max"))
    )
    sort = args.get("sort") or "id"
    if sort.lstrip("-") not in {c.key for c in sortable(allowed)}:
        sort = "id"
    size = _int(args.get("size"), DEFAULT_PAGE_SIZE)
    size = size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    page = max(1, min(_int(args.get("page"), 1), MAX_OFFSET // size + 1))
    # "cols" comes comma-joined (links, tabs) or repeated (the column chooser's checkboxes).
    raw = args.getlist("cols") if hasattr(args, "getlist") else [args.get("cols") or ""]
    chosen = [k for k in ",".join(raw).split(",") if k in allowed]
    columns = tuple(chosen) if chosen else tuple(k for k in TaskQuery().columns if k in allowed)
    gt = args.get("ground_truth")
    return TaskQuery(
        q=(args.get("q") or "").strip()[:200],
        label=(args.get("label") or "").strip()[:200],
        annotator=_int(args.get("annotator"), 0) or None if "annotators" in allowed else None,
        ground_truth={"yes": True, "no": False}.get(gt or ""),
        ranges=ranges,
        sort=sort,
        page=page,
        size=size,
        columns=columns,
    )


def _json_fragments(text: str, dialect: str) -> set[str]:
    """How `text` may appear inside the stored JSON text: PostgreSQL prints JSONB with
    characters as they are; SQLite keeps the writer's text, json.dumps' escaped
    non-ASCII from the app, plain characters from SQL's json functions."""
    plain = json.dumps(text, ensure_ascii=False)[1:-1]
    return {plain} if dialect == "postgresql" else {plain, json.dumps(text)[1:-1]}


def _json_contains(column, text: str, dialect: str, quoted: bool = False) -> ColumnElement:
    stored = cast(column, Text)
    return or_(*(
        stored.contains(f'"{f}"', autoescape=True) if quoted else stored.icontains(f, autoescape=True)
        for f in _json_fragments(text, dialect)
    ))


def _conditions(project: Project, viewer: Viewer, query: TaskQuery, dialect: str) -> list[ColumnElement]:
    where = [Task.project_id == project.id]
    if viewer.scope is not None:
        where.append(viewer.scope)
    if query.q:
        # A LIKE over the JSON text: no index can serve it, so it scans candidates in
        # sort order until the page is full (fast for common terms, slow for rare ones).
        where.append(_json_contains(Task.data, query.q, dialect))
    if query.label:
        used = exists().where(
            Annotation.task_id == Task.id,
            Annotation.was_cancelled.is_(False),
            _json_contains(Annotation.result, query.label, dialect, quoted=True),
        )
        if not viewer.sees_all_annotations:
            used = used.where(Annotation.completed_by_id == viewer.user_id)
        where.append(used)
    if query.annotator is not None:
        where.append(Task.id.in_(
            select(Annotation.task_id).where(
                Annotation.completed_by_id == query.annotator, Annotation.project_id == project.id
            )
        ))
    if query.ground_truth is not None:
        where.append(Task.has_ground_truth.is_(query.ground_truth))
    for key, low, high in query.ranges:
        column = BY_KEY[key].sort
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    return where


def matching(project: Project, viewer: Viewer, query: TaskQuery, dialect: str) -> Select:
    """SELECT Task.id of every task the viewer sees that matches the filters, unordered."""
    return select(Task.id).where(*_conditions(project, viewer, query, dialect))


def page_select(project: Project, viewer: Viewer, query: TaskQuery, dialect: str) -> Select:
    """The ids of one page plus one (the next-page probe). Ids only, so the offset is
    skipped inside the (project_id, column, id) index without reading task rows."""
    column = BY_KEY[query.sort.lstrip("-")].sort
    descending = query.sort.startswith("-")
    order = [column.desc(), Task.id.desc()] if descending else [column.asc(), Task.id.asc()]
    if column is Task.id:
        order = order[:1]
    return (
        select(Task.id)
        .where(*_conditions(project, viewer, query, dialect))
        .order_by(*order)
        .offset(query.offset)
        .limit(query.size + 1)
    )
