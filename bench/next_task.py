"""Next-task latency at 10k, 100k and 1M tasks for each sampling order, and the
throughput of 16 annotator clients on 4 gunicorn workers; prints one JSON line.

SQLite in a temporary folder by default, or DATABASE_URL (that database is reset!).
BENCH_SIZES=10000,100000 narrows the sizes.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import downgrade, upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.annotator_clients import gunicorn, run_clients  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.annotations import Submission, submit_annotation  # noqa: E402
from webapp.config import Config  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import OrgRole, Prediction, ProjectMember, Sampling, Task  # noqa: E402
from webapp.projects import NewProject, create_project  # noqa: E402
from webapp.accounts import create_user  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",")]
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))
CHUNK = 20000
POSITIVE = [{"from_name": "sentiment", "to_name": "text", "type": "choices",
             "value": {"choices": ["Positive"]}}]


def bulk_tasks(project_id: int, count: int) -> None:
    rng = random.Random(7)
    for start in range(0, count, CHUNK):
        n = min(CHUNK, count - start)
        ids = db.session.scalars(
            insert(Task).returning(Task.id, sort_by_parameter_order=True),
            [{"project_id": project_id, "data": {"text": f"task {start + i}"}, "meta": {}, "overlap": 1}
             for i in range(n)],
        ).all()
        db.session.execute(insert(Prediction), [
            {"task_id": i, "project_id": project_id, "result": POSITIVE, "score": rng.random(),
             "model_version": "bench"} for i in ids])
        db.session.commit()


def pct(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 2)


def measure(project, user) -> dict:
    from webapp.queue import next_task

    nexts, totals = [], []
    project_id, user_id = project.id, user.id  # a request knows them without a query
    for _ in range(SAMPLES):
        t0 = time.perf_counter()
        task = next_task(db.session, project_id, user_id)
        t1 = time.perf_counter()
        submit_annotation(db.session, task.id, user, Submission(result=POSITIVE, lead_time=1.0))
        nexts.append((t1 - t0) * 1000)
        totals.append((time.perf_counter() - t0) * 1000)
    return {"next_p50": pct(nexts, 50), "next_p99": pct(nexts, 99),
            "next_submit_p50": pct(totals, 50), "next_submit_p99": pct(totals, 99)}


def latency_table(manager, annotator) -> list[dict]:
    rows = []
    for size in SIZES:
        project = create_project(db.session, manager, NewProject(title=f"bench {size}", template="text_classification"))
        project.live_predictions_source = "version:bench"
        db.session.add(ProjectMember(project_id=project.id, user_id=annotator.id))
        db.session.commit()
        t0 = time.perf_counter()
        bulk_tasks(project.id, size)
        build = round(time.perf_counter() - t0, 1)
        for sampling in Sampling:
            project.sampling = sampling
            db.session.commit()
            rows.append({"tasks": size, "sampling": sampling.value.split()[0].lower(),
                         "build_seconds": build, **measure(project, annotator)})
    return rows


def clients_throughput(url: str, manager) -> dict:
    project = create_project(db.session, manager, NewProject(title="bench clients", template="text_classification"))
    project.annotations_per_task_minimum = 2
    users = [create_user(db.session, f"client{i}@bench.example.org", "bench-password", OrgRole.ANNOTATOR)
             for i in range(16)]
    db.session.add_all([ProjectMember(project_id=project.id, user_id=u.id) for u in users])
    db.session.execute(insert(Task), [{"project_id": project.id, "data": {"text": f"c {i}"}, "meta": {}, "overlap": 2}
                                      for i in range(1000)])
    db.session.commit()
    tokens = [u.api_token for u in users]
    with gunicorn(url, workers=4) as base:
        run = run_clients(base, project.id, tokens, POSITIVE)
    return {"clients": 16, "workers": 4, "submitted": run.submitted, "errors": len(run.errors),
            "submits_per_second": round(run.per_second, 1)}


def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "SCHEDULER_ENABLED": False})
    app = create_app(config)
    with app.app_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        manager = create_user(db.session, "bench@bench.example.org", "bench-password", OrgRole.MANAGER)
        annotator = create_user(db.session, "ann@bench.example.org", "bench-password", OrgRole.ANNOTATOR)
        db.session.commit()
        figures = {"database": url.split(":")[0], "latency_ms": latency_table(manager, annotator),
                   "multi_process": clients_throughput(url, manager)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
