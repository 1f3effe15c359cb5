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

from sqlalchemy import Select, Text, and_, cast, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from webapp.data_manager.columns import BY_KEY, COLUMNS, sortable
from webapp.data_manager.search_index import search_clause, search_driven
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
    flags: tuple[tuple[str, bool], ...] = ()  # (boolean column, wanted value): yes/no filters
    ranges: tuple[tuple[str, float | None, float | None], ...] = ()  # (column, min, max)
    sort: str = "id"  # a sortable column key, "-" prefixed for descending
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    columns: tuple[str, ...] = field(default_factory=lambda: tuple(c.key for c in COLUMNS if c.default))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def flag_of(self, key: str) -> bool | None:
        return next((value for k, value in self.flags if k == key), None)

    def range_of(self, key: str) -> tuple[float | None, float | None]:
        return next(((low, high) for k, low, high in self.ranges if k == key), (None, None))

    def params(self, **changes) -> dict[str, str]:
        """URL parameters for this query (with `changes` applied), defaults left out."""
        query = replace(self, **changes)
        out = {"q": query.q, "label": query.label, "annotator": query.annotator or ""}
        for key, value in query.flags:
            out[key] = "yes" if value else "no"
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
    flags = tuple(
        (c.key, args.get(c.key) == "yes")
        for c in COLUMNS if c.flag_filter and c.key in allowed and args.get(c.key) in ("yes", "no")
    )
    return TaskQuery(
        q=(args.get("q") or "").strip()[:200],
        label=(args.get("label") or "").strip()[:200],
        annotator=_int(args.get("annotator"), 0) or None if "annotators" in allowed else None,
        flags=flags,
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


def _label_used(label: str, dialect: str) -> ColumnElement:
    """The label (any string value of the result equal to it, case and all; never a key).
    PostgreSQL: a JSON path, which reads the JSONB without printing it and whose default
    selectivity lets the planner merge-join annotations in task order. SQLite: a LIKE on
    the JSON text sifts (case-blind, and keys match too), then json_tree's string atoms
    decide."""
    if dialect != "postgresql":
        atoms = func.json_tree(Annotation.result).table_valued("type", "atom")
        exact = exists().select_from(atoms).where(atoms.c.type == "text", atoms.c.atom == label)
        return and_(_json_contains(Annotation.result, label, dialect, quoted=True), exact)
    path = literal_column("'strict $.** ? (@ == $label)'::jsonpath")
    return func.jsonb_path_exists(Annotation.result, path, func.jsonb_build_object("label", cast(label, Text)))


def _conditions(
    project: Project, viewer: Viewer, query: TaskQuery, dialect: str, text: bool = True
) -> list[ColumnElement]:
    """The filters as WHERE terms (the text search left out when `text` is false)."""
    where = [Task.project_id == project.id]
    if viewer.scope is not None:
        where.append(viewer.scope)
    if query.q and text:  # full-text, word prefixes (search_index.py); no word in it: LIKE
        found = search_clause(dialect, query.q)
        where.append(found if found is not None else _json_contains(Task.data, query.q, dialect))
    if query.label:
        used = exists().where(
            Annotation.task_id == Task.id,
            Annotation.was_cancelled.is_(False),
            _label_used(query.label, dialect),
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
    for key, value in query.flags:
        where.append(BY_KEY[key].sort.is_(value))
    for key, low, high in query.ranges:
        column = BY_KEY[key].sort
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    return where


def matching(session: Session, project: Project, viewer: Viewer, query: TaskQuery) -> Select:
    """SELECT Task.id of every task the viewer sees that matches the filters, unordered."""
    return select(Task.id).where(*_conditions(project, viewer, query, _dialect(session)))


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def page_select(session: Session, project: Project, viewer: Viewer, query: TaskQuery) -> Select:
    """The ids of one page plus one (the next-page probe). Ids only, so the offset is
    skipped inside the (project_id, column, id) index without reading task rows; a text
    search in id order walks the search index instead (search_index.search_driven)."""
    dialect = _dialect(session)
    column = BY_KEY[query.sort.lstrip("-")].sort
    descending = query.sort.startswith("-")
    driven = search_driven(dialect, query.q) if column is Task.id else None
    if driven is not None:
        joined, matched, column = driven
        stmt = select(Task.id).select_from(joined).where(
            matched, *_conditions(project, viewer, query, dialect, text=False)
        )
    else:
        stmt = select(Task.id).where(*_conditions(project, viewer, query, dialect))
    order = [column.desc(), Task.id.desc()] if descending else [column.asc(), Task.id.asc()]
    if column is Task.id or driven is not None:
        order = order[:1]
    return stmt.order_by(*order).offset(query.offset).limit(query.size + 1)
