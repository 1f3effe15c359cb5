"""Four gunicorn worker processes, sixteen annotators, overlap 2 (ANN-5, QA-1)."""
from __future__ import annotations

from sqlalchemy import select

from bench.annotator_clients import gunicorn, run_clients
from webapp.models import OrgRole, Reservation, Task

POSITIVE = [{"from_name": "sentiment", "to_name": "text", "type": "choices",
             "value": {"choices": ["Positive"]}}]


def test_sixteen_clients_on_four_workers_never_exceed_overlap__ANN_5(app, session, factory):
    project = factory.project(template="text_classification", annotations_per_task_minimum=2)
    tasks = factory.tasks(project, [f"review {i}" for i in range(40)], overlap=2)
    annotators = [factory.user(OrgRole.ANNOTATOR) for _ in range(16)]
    for user in annotators:
        factory.member(project, user)
    tokens = [u.api_token for u in annotators]
    project_id = project.id
    session.close()

    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4) as base:
        run = run_clients(base, project_id, tokens, POSITIVE)

    assert run.errors == ()
    assert run.submitted == 2 * len(tasks)
    rows = session.scalars(select(Task).where(Task.project_id == project_id)).all()
    assert all(t.total_annotations == 2 and t.is_labeled for t in rows)
    assert session.scalar(select(Reservation.id)) is None
