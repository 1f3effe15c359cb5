"""The STO-1/STO-2 round trip every storage kind must pass."""
from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import func, select

from webapp.annotations.service import Submission, delete_annotation, submit_annotation
from webapp.io.storage.sync import StorageSettings, create_storage, sync_storage
from webapp.models import Annotation, Task

TEXTS = ["Ada met Bob", "Carl in Paris", "Dora at home"]


def span(text: str) -> dict:
    return {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": 0, "end": len(text.split()[0]), "text": text.split()[0], "labels": ["PER"]}}


def round_trip(session, config, project, manager, kind: str, source: dict, target: dict,
               read_target: Callable[[], dict[str, bytes]], secret: str = "") -> None:
    """Source objects (TEXTS, plus one the filter drops) are already in place."""
    store = create_storage(session, project, StorageSettings(kind, "source", params=source, secret=secret), config)
    session.commit()
    first = sync_storage(session, store.id, config)
    assert (first.status, first.errors, first.created, first.seen) == ("completed", [], 3, 3)
    again = sync_storage(session, store.id, config)
    assert (again.status, again.created, again.skipped) == ("completed", 0, 3)
    tasks = session.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.id)).all()
    assert sorted(t.data["text"] for t in tasks) == sorted(TEXTS)  # no duplicates

    for task in tasks:
        submit_annotation(session, task.id, manager, Submission(result=[span(task.data["text"])]))
    out = create_storage(session, project, StorageSettings(kind, "target", params=target, secret=secret), config)
    session.commit()
    written = sync_storage(session, out.id, config)
    assert (written.status, written.errors, written.created) == ("completed", [], 3)
    stored = {key: json.loads(body) for key, body in read_target().items()}
    assert len(stored) == 3
    for body in stored.values():
        assert body["annotations"][0]["result"][0]["value"]["labels"] == ["PER"]
        assert body["data"]["text"] in TEXTS and body["project"] == project.id

    gone = session.scalar(select(Annotation).order_by(Annotation.id).limit(1))
    gone_id = gone.id
    delete_annotation(session, gone, manager.id)
    removed = sync_storage(session, out.id, config)
    assert (removed.deleted, removed.skipped) == (1, 2)
    remaining = {json.loads(body)["annotations"][0]["id"] for body in read_target().values()}
    assert len(remaining) == 2 and gone_id not in remaining
    assert session.scalar(select(func.count()).select_from(Annotation)) == 2
