"""Read a project's tasks for export one keyset page at a time, so memory stays flat.

Each page costs one query for its tasks and one ``IN`` query each for their
annotations, predictions, drafts and annotators' emails, whatever the project's size.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Row, Select, exists, select
from sqlalchemy.orm import Session

from webapp.labeling import LabelingConfig
from webapp.models import Annotation, Draft, Prediction, Task, User

PAGE_SIZE = 1000


@dataclass(frozen=True)
class TaskPage:
    """Up to PAGE_SIZE tasks (id order) with their rows, keyed by task id."""

    tasks: list[Row]
    annotations: dict[int, list[Row]]
    predictions: dict[int, list[Row]] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)  # of annotators and draft authors
    drafts: dict[int, list[Row]] = field(default_factory=dict)

    def submitted(self, task_id: int) -> list[Row]:
        """The task's annotations that are not skips."""
        return [a for a in self.annotations.get(task_id, []) if not a.was_cancelled]


@dataclass(frozen=True)
class ExportSource:
    """What every export format reads: the project's config and its tasks, page by page.

    The session must stay open while the chunks are consumed (the view streams them).
    """

    session: Session
    project_id: int
    config: LabelingConfig
    only_annotated: bool

    def pages(self, full: bool = False) -> Iterator[TaskPage]:
        """Pages of tasks with their annotations; `full` adds predictions and drafts."""
        last_id = 0
        while tasks := self.session.execute(self._task_query(last_id)).all():
            yield self._page(tasks, full)
            last_id = tasks[-1].id

    def _task_query(self, last_id: int) -> Select:
        query = (
            select(Task.id, Task.data, Task.meta, Task.created_at, Task.updated_at)
            .where(Task.project_id == self.project_id, Task.id > last_id)
            .order_by(Task.id)
            .limit(PAGE_SIZE)
        )
        if self.only_annotated:  # Label Studio's default: tasks with at least one annotation
            query = query.where(exists().where(Annotation.task_id == Task.id))
        return query

    def _page(self, tasks: list[Row], full: bool) -> TaskPage:
        ids = [t.id for t in tasks]
        annotations = self._rows_of(Annotation, ids)
        predictions = self._rows_of(Prediction, ids) if full else []
        drafts = self._rows_of(Draft, ids) if full else []
        user_ids = {a.completed_by_id for a in annotations if a.completed_by_id is not None}
        user_ids.update(d.user_id for d in drafts)
        return TaskPage(tasks, _by_task(annotations), _by_task(predictions), self._emails(user_ids),
                        _by_task(drafts))

    def _rows_of(self, model: type[Annotation | Prediction | Draft], task_ids: list[int]) -> list[Row]:
        return self.session.execute(
            select(model.__table__).where(model.task_id.in_(task_ids)).order_by(model.id)
        ).all()

    def _emails(self, user_ids: set[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        query = select(User.id, User.email).where(User.id.in_(user_ids))
        return dict(self.session.execute(query).all())


def _by_task(rows: list[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.task_id].append(row)
    return grouped
