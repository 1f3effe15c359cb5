"""Real threads, each with its own app context and session, on the test database
(the SQLite file by default, PostgreSQL when DATABASE_URL says so): ANN-5."""
from __future__ import annotations

import threading

from tests.queue.helpers import setup_project
from webapp.annotations import Submission, submit_annotation
from webapp.extensions import db
from webapp.models import Task, User
from webapp.queue import next_task


def test_concurrent_next_task_never_gives_a_task_twice__ANN_5(app, session, factory):
    project, users, tasks = setup_project(factory, n_tasks=30, annotators=6)
    given: dict[int, list[int]] = {u.id: [] for u in users}
    errors: list[BaseException] = []
    start = threading.Barrier(len(users))

    def worker(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                start.wait()
                while (task := next_task(db.session, project.id, user_id)) is not None:
                    given[user_id].append(task.id)
                    submit_annotation(db.session, task.id, user, Submission(result=[]))
            except BaseException as exc:  # surfaced below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(u.id,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    handed_out = [t for ids in given.values() for t in ids]
    assert sorted(handed_out) == sorted(t.id for t in tasks)  # each task exactly once
    session.rollback()  # a fresh snapshot: the threads committed after ours began
    assert all(session.get(Task, t.id).total_annotations == 1 for t in tasks)
