"""Data the Data Manager and dashboard tests share: annotations with their task counters."""
from __future__ import annotations

from webapp.models import Annotation, Task, User

NER = "labels"


def result(label: str = "PER") -> list[dict]:
    return [{"from_name": "label", "to_name": "text", "type": NER,
             "value": {"start": 0, "end": 5, "text": "Alice", "labels": [label]}}]


def annotate(session, task: Task, user: User, label: str = "PER", cancelled: bool = False,
             lead_time: float | None = None, **fields) -> Annotation:
    """An annotation (or a skip) with the task's counters kept as the app keeps them."""
    annotation = Annotation(
        task_id=task.id, project_id=task.project_id, completed_by_id=user.id,
        result=[] if cancelled else result(label), was_cancelled=cancelled, lead_time=lead_time, **fields,
    )
    session.add(annotation)
    if cancelled:
        task.cancelled_annotations += 1
    else:
        task.total_annotations += 1
    session.commit()
    return annotation


def auth(user: User) -> dict:
    return {"Authorization": f"Token {user.api_token}"}
