"""Issue 13 point 7: how long the long actions hold SQLite's write lock.

On a fresh SQLite file with BENCH_LOCK_TASKS tasks (default 10,000), each with a
confident prediction, times every write transaction (BEGIN IMMEDIATE to COMMIT) of:
create annotations from predictions (Data Manager action), the autolabel pass, and
deleting every task (Data Manager action). Prints one JSON line per action: transactions,
longest and total seconds. Before the batching each was one transaction of the whole run.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402

from tests.factories import Factory  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.config import TestConfig  # noqa: E402
from webapp.data_manager import get_action  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.ml.autolabel import run_autolabel, settings_of  # noqa: E402
from webapp.models import OrgRole, Prediction  # noqa: E402

TASKS = int(os.environ.get("BENCH_LOCK_TASKS", "10000"))
POSITIVE = [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}]


class LockClock:
    """Durations of the write transactions on one engine (SQLite: BEGIN IMMEDIATE..COMMIT)."""

    def __init__(self, engine):
        self.started: float | None = None
        self.held: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _before(self, _conn, _cursor, statement, *_):
        if statement == "BEGIN IMMEDIATE":
            self.started = time.perf_counter()

    def _end(self, _conn):
        if self.started is not None:
            self.held.append(time.perf_counter() - self.started)
            self.started = None

    def measure(self, name: str, run) -> None:
        self.held = []
        started = time.perf_counter()
        run()
        print(json.dumps({"action": name, "tasks": TASKS, "transactions": len(self.held),
                          "longest_s": round(max(self.held, default=0), 3),
                          "total_s": round(time.perf_counter() - started, 2)}))


def _project(factory: Factory, owner):
    project = factory.project(owner=owner, template="text_classification")
    tasks = factory.tasks(project, [f"text {i}" for i in range(TASKS)])
    db.session.execute(insert(Prediction), [
        {"task_id": t.id, "project_id": project.id, "result": POSITIVE, "score": 0.95, "model_version": "v1"}
        for t in tasks])
    db.session.commit()
    return project, [t.id for t in tasks]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/lock.sqlite3"})
        app = create_app(config)
        with app.app_context():
            db.create_all()
            factory = Factory(db.session)
            owner = factory.user(OrgRole.MANAGER)
            clock = LockClock(db.engine)
            project, ids = _project(factory, owner)
            clock.measure("annotations_from_predictions",
                          lambda: get_action("annotations_from_predictions").run(db.session, project, owner, ids))
            project, ids = _project(factory, owner)
            settings_of(db.session, project.id).enabled = True
            db.session.commit()
            clock.measure("autolabel", lambda: run_autolabel(db.session, project, "v1"))
            clock.measure("delete", lambda: get_action("delete").run(db.session, project, owner, ids))


if __name__ == "__main__":
    main()
