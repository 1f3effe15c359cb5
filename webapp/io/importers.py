"""Import tasks, with pre-annotations and predictions, from a file or a JSON body (DM-2).

All or nothing: every record is validated first, then everything is inserted in one
write transaction with bulk statements (no ORM object per row), so 100,000 tasks take
seconds and a bad record anywhere stores nothing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import insert
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.io.errors import TaskImportError
from webapp.io.formats_read import Located, number_records, read_file
from webapp.io.records import PreparedTask, RecordChecker
from webapp.labeling import LabelingConfig, parse_config
from webapp.models import Annotation, Prediction, Project, SkipQueue, Task, User
from webapp.models._types import utcnow

BATCH_SIZE = 5000
DEFAULT_TEXT_FIELD = "text"


@dataclass(frozen=True)
class ImportResult:
    task_count: int
    annotation_count: int
    prediction_count: int
    seconds: float


def import_tasks(
    session: Session, project: Project, user: User, filename: str, stream: BinaryIO
) -> ImportResult:
    """Import a .json, .jsonl, .csv, .tsv or .txt file; raise TaskImportError if refused."""
    started = time.perf_counter()
    config = parse_config(project.label_config)
    located = read_file(filename, stream.read(), _txt_field(config))
    return _import(session, project, user, config, located, filename, started)


def import_records(
    session: Session,
    project: Project,
    user: User,
    records: list | dict,
    source: str = "request body",
) -> ImportResult:
    """Import the API's JSON body: a list of tasks or one task."""
    started = time.perf_counter()
    config = parse_config(project.label_config)
    located = number_records(records, f"The {source}")
    return _import(session, project, user, config, located, source, started)


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
) -> ImportResult:
    if not located:
        raise TaskImportError(f"{source} contains no tasks.")
    checker = RecordChecker(config)
    tasks = [checker.check(where, record) for where, record in located]
    _Writer(project, user).store(session, tasks)
    return ImportResult(
        task_count=len(tasks),
        annotation_count=sum(len(t.annotations) for t in tasks),
        prediction_count=sum(len(t.predictions) for t in tasks),
        seconds=time.perf_counter() - started,
    )


class _Writer:
    """Bulk inserts for one import; reads the project's settings once, up front."""

    def __init__(self, project: Project, user: User) -> None:
        self.project_id = project.id
        self.user_id = user.id
        # New tasks need the full minimum only if every task is enforced; the overlap
        # feature recomputes the shares when P < 100% (QA-1).
        self.overlap = project.annotations_per_task_minimum if project.overlap_percentage == 100 else 1
        # Same rule as webapp.queue.completion.finished_count (SKIP-3, SKIP-4).
        self.skips_complete = project.skip_queue is SkipQueue.IGNORE_SKIPPED
        self.now = utcnow()

    def store(self, session: Session, tasks: list[PreparedTask]) -> None:
        """Insert everything in one write transaction and commit; roll back on any error."""
        begin_write(session)
        try:
            for start in range(0, len(tasks), BATCH_SIZE):
                self._insert_batch(session, tasks[start : start + BATCH_SIZE])
            session.commit()
        except BaseException:
            session.rollback()
            raise

    def _insert_batch(self, session: Session, batch: list[PreparedTask]) -> None:
        ids = session.scalars(
            insert(Task).returning(Task.id, sort_by_parameter_order=True),
            [self._task_row(task) for task in batch],
        ).all()
        annotations = [
            {**values, **self._child_columns(task_id), "completed_by_id": self.user_id,
             "updated_at": self.now}
            for task_id, task in zip(ids, batch)
            for values in task.annotations
        ]
        predictions = [
            {**values, **self._child_columns(task_id)}
            for task_id, task in zip(ids, batch)
            for values in task.predictions
        ]
        if annotations:
            session.execute(insert(Annotation), annotations)
        if predictions:
            session.execute(insert(Prediction), predictions)

    def _child_columns(self, task_id: int) -> dict:
        return {"task_id": task_id, "project_id": self.project_id, "created_at": self.now}

    def _task_row(self, task: PreparedTask) -> dict:
        """The task with its counters already right, so no recount is needed."""
        done = sum(not a["was_cancelled"] for a in task.annotations)
        skipped = len(task.annotations) - done
        finished = done + skipped if self.skips_complete else done
        return {
            "project_id": self.project_id,
            "data": task.data,
            "meta": task.meta,
            "overlap": self.overlap,
            "total_annotations": done,
            "cancelled_annotations": skipped,
            "total_predictions": len(task.predictions),
            "has_ground_truth": any(a["ground_truth"] for a in task.annotations),
            "is_labeled": finished >= self.overlap,
            "created_at": self.now,
            "updated_at": self.now,
        }
