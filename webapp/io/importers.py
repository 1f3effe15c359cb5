"""Import tasks, with pre-annotations and predictions, from a file or a JSON body (DM-2).

All or nothing: every record is validated first, then everything is inserted in one
write transaction with bulk statements (no ORM object per row), so 100,000 tasks take
seconds and a bad record anywhere stores nothing.
"""
from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import insert
from sqlalchemy.orm import Session

from webapp.dbutil import lock_project
from webapp.hooks import TasksChange, TasksEvent, tasks_changed
from webapp.io.authors import resolve_authors
from webapp.io.errors import TaskImportError
from webapp.io.formats_read import Located, number_records, read_file
from webapp.io.records import PreparedTask, RecordChecker
from webapp.labeling import LabelingConfig, labels_used, parse_config
from webapp.labels_in_use import cache_key
from webapp.models import Annotation, Draft, Prediction, Project, Task, User
from webapp.models._types import utcnow
from webapp.queue.counters import add_tasks
from webapp.queue.overlap import overlap_for_task_id, recompute_overlap

BATCH_SIZE = 5000
DEFAULT_TEXT_FIELD = "text"


@dataclass(frozen=True)
class ImportResult:
    task_count: int
    annotation_count: int
    prediction_count: int
    seconds: float
    task_ids: list[int]  # in the records' order: the API's task create answers with its task


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Parsing builds millions of objects that all stay alive until the import ends; the
    cyclic collector would re-scan them again and again (2-3x slower) and free none.
    Reference counting still frees everything else meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_cyclic_gc_paused()
def import_tasks(
    session: Session, project: Project, user: User, filename: str, stream: BinaryIO
) -> ImportResult:
    """Import a .json, .jsonl, .csv, .tsv or .txt file; raise TaskImportError if refused."""
    started = time.perf_counter()
    config = parse_config(project.label_config)
    located = read_file(filename, stream.read(), _txt_field(config))
    return _import(session, project, user, config, located, filename, started)


@_cyclic_gc_paused()
def import_records(
    session: Session,
    project: Project,
    user: User,
    records: list | dict,
    source: str = "request body",
    origin: object = None,
) -> ImportResult:
    """Import the API's JSON body: a list of tasks or one task. `origin` rides on the
    TasksEvent, for a listener that records where the tasks came from (storage sync)."""
    started = time.perf_counter()
    config = parse_config(project.label_config)
    located = number_records(records, f"The {source}")
    return _import(session, project, user, config, located, source, started, origin)


def _txt_field(config: LabelingConfig) -> str:
    """A TXT line fills the config's only data field, as Label Studio does; else "text"."""
    fields = config.data_fields
    return next(iter(fields)) if len(fields) == 1 else DEFAULT_TEXT_FIELD


def _import(
    session: Session,
    project: Project,
    user: User,
    config: LabelingConfig,
    located: list[Located],
    source: str,
    started: float,
    origin: object = None,
) -> ImportResult:
    if not located:
        raise TaskImportError(f"{source} contains no tasks.")
    checker = RecordChecker(config)
    tasks = [checker.check(where, record) for where, record in located]
    ids = _Writer(project, user, config).store(session, tasks, origin)
    return ImportResult(
        task_count=len(tasks),
        annotation_count=sum(len(t.annotations) for t in tasks),
        prediction_count=sum(len(t.predictions) for t in tasks),
        seconds=time.perf_counter() - started,
        task_ids=ids,
    )


class _Writer:
    """Bulk inserts for one import, all rows stamped with the same time."""

    def __init__(self, project: Project, user: User, config: LabelingConfig) -> None:
        self.project = project
        self.project_id = project.id
        self.user_id = user.id
        self.organization_id = user.organization_id
        self.authors: dict = {}  # completed_by reference -> user id, once per import
        self.config = config
        self.now = utcnow()

    def store(self, session: Session, tasks: list[PreparedTask], origin: object = None) -> list[int]:
        """Insert everything in one write transaction and commit, returning the new task
        ids; roll back on any error."""
        try:
            project = lock_project(session, self.project_id)
            add_tasks(project, len(tasks), sum(_submitted(t) for t in tasks))
            self.authors = resolve_authors(session, self.organization_id, {
                a["completed_by"] for task in tasks for a in task.annotations} | {
                d["user_id"] for task in tasks for d in task.drafts})
            ids: list[int] = []
            for start in range(0, len(tasks), BATCH_SIZE):
                ids += self._insert_batch(session, tasks[start : start + BATCH_SIZE])
            self._count_labels_in_use(session, tasks)
            event = TasksEvent(TasksChange.CREATED, self.project, tuple(ids), self.user_id, origin)
            tasks_changed(session, event)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return ids

    def _insert_batch(self, session: Session, batch: list[PreparedTask]) -> list[int]:
        # Core table inserts: the ORM's bulk path adds per-row bookkeeping we do not need.
        ids = session.scalars(
            insert(Task.__table__).returning(Task.id, sort_by_parameter_order=True),
            [self._task_row(task) for task in batch],
        ).all()
        if self._needs_overlap_update(ids, batch):
            recompute_overlap(session, self.project, (ids[0], ids[-1]))
        pairs = list(zip(ids, batch))
        annotations = [
            self._annotation_row(task_id, values) for task_id, task in pairs for values in task.annotations
        ]
        predictions = [
            {**self._child_columns(task_id), **values} for task_id, task in pairs for values in task.predictions
        ]
        for table, rows in ((Annotation.__table__, annotations), (Prediction.__table__, predictions),
                            (Draft.__table__, self._draft_rows(pairs))):
            if rows:
                session.execute(insert(table), rows)
        return ids

    def _count_labels_in_use(self, session: Session, tasks: list[PreparedTask]) -> None:
        """Imported annotations count in the labels-in-use cache like submitted ones (LBL-2).

        One merge for the whole import, as count_labels_in_use does: calling
        update_labels_in_use per annotation re-parses the config and copies the cache
        each time (26 s for 100,000 annotations).
        """
        used = Counter(
            cache_key(*key)
            for task in tasks
            for annotation in task.annotations
            for key in labels_used(self.config, annotation["result"])  # once per annotation
        )
        if used:
            project = session.get(Project, self.project_id)  # locked by store()
            project.labels_in_use = dict(Counter(project.labels_in_use or {}) + used)

    def _needs_overlap_update(self, ids: list[int], batch: list[PreparedTask]) -> bool:
        """The QA-1 rule lives in recompute_overlap, which rewrites every row of the batch
        (a third of a PostgreSQL import); skip it when the values set at insert (overlap
        1, not labeled) are already what it would set."""
        return any(task.annotations for task in batch) or any(
            overlap_for_task_id(self.project, task_id) != 1 for task_id in ids
        )

    def _annotation_row(self, task_id: int, values: dict) -> dict:
        """The record's own times win over the import time; the author is resolved."""
        author = self.authors.get(values["completed_by"], self.user_id)
        row = {**self._child_columns(task_id), "updated_at": self.now, **values, "completed_by_id": author}
        del row["completed_by"]
        return row

    def _draft_rows(self, pairs: list[tuple[int, PreparedTask]]) -> list[dict]:
        """Drafts of users of the organisation, one per person and task as Quorum keeps them
        (the last listed wins); a draft of anyone else is dropped: it is unfinished work,
        and giving it to the importer would show them someone else's half-done labels."""
        kept: dict[tuple[int, int], dict] = {}
        for task_id, task in pairs:
            for values in task.drafts:
                author = self.authors.get(values["user_id"])
                if author is not None:
                    kept[task_id, author] = {"task_id": task_id, "created_at": self.now,
                                             "updated_at": self.now, **values, "user_id": author}
        return list(kept.values())

    def _child_columns(self, task_id: int) -> dict:
        return {"task_id": task_id, "project_id": self.project_id, "created_at": self.now}

    def _task_row(self, task: PreparedTask) -> dict:
        """The task with its counters already right, so no recount is needed."""
        done = _submitted(task)
        return {
            "project_id": self.project_id,
            "data": task.data,
            "meta": task.meta,
            "total_annotations": done,
            "cancelled_annotations": len(task.annotations) - done,
            "total_predictions": len(task.predictions),
            "has_ground_truth": any(a["ground_truth"] for a in task.annotations),
            "overlap": 1,
            "is_labeled": False,
            "created_at": self.now,
            "updated_at": self.now,
        }


def _submitted(task: PreparedTask) -> int:
    return sum(not a["was_cancelled"] for a in task.annotations)
