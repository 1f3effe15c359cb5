"""STO-1: a sync that dies part-way (after an object's tasks were stored, or inside the
import's transaction) and is run again neither duplicates nor loses an object."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.hooks import on_tasks_change, remove_listener
from webapp.io.storage import sync
from webapp.io.storage.sync import StorageSettings, create_storage, sync_storage
from webapp.models import OrgRole, StorageObject, Task
from webapp.models._types import utcnow

TEXTS = [f"object number {i}" for i in range(6)]


class Crash(RuntimeError):
    pass


@pytest.fixture
def source(session, factory, app, tmp_path):
    app.config["QUORUM_LOCAL_FILES_ROOT"] = str(tmp_path)
    for i, text in enumerate(TEXTS):
        (tmp_path / f"{i}.txt").write_text(text)
    project = factory.project(owner=factory.user(OrgRole.MANAGER))
    storage = create_storage(session, project, StorageSettings("local", params={"path": "."}), app.config)
    session.commit()
    yield project, storage
    app.config.pop("QUORUM_LOCAL_FILES_ROOT", None)


def _texts(session, project) -> list[str]:
    return sorted(session.scalars(select(Task.data).where(Task.project_id == project.id)).all(),
                  key=lambda d: d["text"])


def _assert_each_object_once(session, project, storage) -> None:
    assert [d["text"] for d in _texts(session, project)] == sorted(TEXTS)
    keys = session.scalar(select(func.count()).where(StorageObject.storage_id == storage.id))
    assert keys == len(TEXTS)


def test_STO_1_crash_after_an_import_committed_then_resync(session, app, source, monkeypatch):
    """The old window: tasks committed, the process dies before the key is stored."""
    project, storage = source
    real_import, calls = sync.import_records, []

    def import_then_crash(*args, **kwargs):
        result = real_import(*args, **kwargs)
        calls.append(1)
        if len(calls) == 3:
            raise Crash("process killed after the third object's import")
        return result

    monkeypatch.setattr(sync, "import_records", import_then_crash)
    crashed = sync_storage(session, storage.id, app.config)
    assert crashed.status == "failed" and "Crash" in crashed.errors[0]["error"]
    assert len(_texts(session, project)) == 3  # three objects in, each with its key
    monkeypatch.setattr(sync, "import_records", real_import)

    again = sync_storage(session, storage.id, app.config, utcnow() + timedelta(seconds=1))
    assert (again.status, again.created, again.skipped) == ("completed", 3, 3)
    _assert_each_object_once(session, project, storage)


def test_STO_1_crash_inside_an_import_transaction_then_resync(session, app, source):
    """Dying after the tasks were inserted but before the commit stores neither the tasks
    nor the key: the next sync imports that object."""
    project, storage = source
    seen = []

    def crash_on_fourth(s, event):
        seen.append(event)
        if len(seen) == 4:
            raise Crash("process killed before the fourth import committed")

    listener = on_tasks_change(crash_on_fourth)
    try:
        crashed = sync_storage(session, storage.id, app.config)
    finally:
        remove_listener(listener)
    assert crashed.status == "failed"
    assert len(_texts(session, project)) == 3
    assert session.scalar(select(func.count()).where(StorageObject.storage_id == storage.id)) == 3

    again = sync_storage(session, storage.id, app.config, utcnow() + timedelta(seconds=1))
    assert (again.status, again.created, again.skipped) == ("completed", 3, 3)
    _assert_each_object_once(session, project, storage)
    assert sync_storage(session, storage.id, app.config, utcnow() + timedelta(seconds=2)).created == 0
