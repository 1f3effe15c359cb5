"""Bulk actions on the Data Manager's selection, in a registry other packages extend.

To add one (e.g. batch predictions, ML-6), call once at import time:

    from webapp.data_manager import register_action

    def predict(session, project, user, task_ids):
        queue_predictions(project.id, task_ids)
        return f"Predicting {len(task_ids)} tasks in the background."

    register_action("predict", "Batch predictions", predict)

The function gets the selected task ids, already restricted to the project and to what
the user may see, and returns the message to show (a str), or an ActionResult to also
send the browser elsewhere. It commits its own work. `asks="annotator"` or
`asks="reviewer"` makes the page offer a user picker and pass the picked ids as
`user_ids=`; `permission` is the access.Action the user needs (default MANAGE);
`confirm` asks the user before running.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from webapp.access import Action
from webapp.assignments import AssignmentError, Selection, assign, unassign
from webapp.dbutil import batches, begin_write
from webapp.hooks import TasksChange, TasksEvent, tasks_changed
from webapp.labels_in_use import update_labels_in_use
from webapp.models import Annotation, AssignmentKind, Project, Task, User
from webapp.quality.ground_truth import set_ground_truth_of

STREAM_SELECTION_LIMIT = 100


@dataclass(frozen=True)
class ActionResult:
    message: str
    redirect: str | None = None


ActionFunc = Callable[..., "str | ActionResult"]


@dataclass(frozen=True)
class BulkAction:
    name: str
    title: str
    run: ActionFunc
    asks: str | None = None
    permission: Action = Action.MANAGE
    confirm: str | None = None


_REGISTRY: dict[str, BulkAction] = {}


def register_action(
    name: str, title: str, run: ActionFunc, *, asks: str | None = None,
    permission: Action = Action.MANAGE, confirm: str | None = None,
) -> BulkAction:
    """Add (or replace) the action `name`; see the module docstring."""
    action = BulkAction(name, title, run, asks, permission, confirm)
    _REGISTRY[name] = action
    return action


def registered_actions() -> list[BulkAction]:
    return list(_REGISTRY.values())


def get_action(name: str) -> BulkAction | None:
    return _REGISTRY.get(name)


def run_action(
    action: BulkAction, session: Session, project: Project, user: User, task_ids: list[int],
    user_ids: list[int] | None = None,
) -> ActionResult:
    if not task_ids:
        return ActionResult("Select at least one task.")
    extra = {"user_ids": user_ids or []} if action.asks else {}
    try:
        outcome = action.run(session, project, user, task_ids, **extra)
    except AssignmentError as exc:
        session.rollback()
        return ActionResult(str(exc))
    return outcome if isinstance(outcome, ActionResult) else ActionResult(outcome)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def delete_tasks(session: Session, project: Project, user: User, task_ids: list[int]) -> str:
    """Delete the tasks with their annotations, keeping the labels-in-use cache (LBL-2);
    one short write transaction per batch."""
    deleted = 0
    for batch in batches(session, task_ids):
        _lock_tasks(session, project, batch)
        for (result,) in session.execute(select(Annotation.result).where(Annotation.task_id.in_(batch))):
            update_labels_in_use(project, result, None)
        tasks_changed(session, TasksEvent(TasksChange.DELETED, project, tuple(batch), user.id))
        deleted += len(session.scalars(
            delete(Task).where(Task.project_id == project.id, Task.id.in_(batch)).returning(Task.id)
        ).all())
        session.commit()
    return f"Deleted {_plural(deleted, 'task')}."


def _assigner(kind: AssignmentKind, add: bool) -> ActionFunc:
    def run(session: Session, project: Project, user: User, task_ids: list[int], user_ids: list[int]) -> str:
        if not user_ids:
            raise AssignmentError(f"Choose at least one {kind.value}.")
        changed = sum(
            assign(session, project, Selection(included=batch), user_ids, kind) if add
            else unassign(session, project, Selection(included=batch), user_ids, kind)
            for batch in batches(session, task_ids)  # each commits: one short transaction per batch
        )
        verb = "Added" if add else "Removed"
        return f"{verb} {_plural(changed, kind.value + ' assignment')}."
    return run


def _lock_tasks(session: Session, project: Project, batch: list[int]) -> None:
    """The writers' lock order: the project row, then the tasks (in id order)."""
    begin_write(session)
    session.scalar(select(Project.id).where(Project.id == project.id).with_for_update())
    session.scalars(
        select(Task.id).where(Task.project_id == project.id, Task.id.in_(batch)).order_by(Task.id).with_for_update()
    ).all()


def mark_ground_truth(session: Session, project: Project, user: User, task_ids: list[int]) -> str:
    """Mark each task's most recent submitted (non-cancelled) annotation as its ground
    truth, through the quality rule (one per task, QA-6); one transaction per batch."""
    marked = 0
    for batch in batches(session, task_ids):
        _lock_tasks(session, project, batch)
        latest = session.scalars(
            select(func.max(Annotation.id))
            .where(Annotation.task_id.in_(batch), Annotation.was_cancelled.is_(False))
            .group_by(Annotation.task_id)
        ).all()
        marked += set_ground_truth_of(session, latest, True)
        session.commit()
    return f"Marked {_plural(marked, 'annotation')} as ground truth."


def unmark_ground_truth(session: Session, project: Project, user: User, task_ids: list[int]) -> str:
    for batch in batches(session, task_ids):
        _lock_tasks(session, project, batch)
        marked = session.scalars(
            select(Annotation.id).where(Annotation.task_id.in_(batch), Annotation.ground_truth.is_(True))
        ).all()
        set_ground_truth_of(session, marked, False)
        session.commit()
    return f"Removed ground truth from {_plural(len(task_ids), 'task')}."


def open_in_stream(session: Session, project: Project, user: User, task_ids: list[int]) -> ActionResult:
    """The label stream, restricted to the selection (its first STREAM_SELECTION_LIMIT)."""
    ids = ",".join(str(i) for i in task_ids[:STREAM_SELECTION_LIMIT])
    return ActionResult(
        f"Opening {_plural(min(len(task_ids), STREAM_SELECTION_LIMIT), 'task')} in the label stream.",
        redirect=f"/projects/{project.id}/stream?tasks={ids}",
    )


register_action("delete", "Delete tasks", delete_tasks, confirm="Delete the selected tasks and their annotations?")
for _kind in AssignmentKind:
    register_action(f"assign_{_kind.value}s", f"Assign {_kind.value}s", _assigner(_kind, True), asks=_kind.value)
    register_action(f"unassign_{_kind.value}s", f"Unassign {_kind.value}s", _assigner(_kind, False), asks=_kind.value)
register_action("mark_ground_truth", "Mark ground truth", mark_ground_truth)
register_action("unmark_ground_truth", "Unmark ground truth", unmark_ground_truth)
register_action("label", "Label selected in the stream", open_in_stream, permission=Action.ANNOTATE)
