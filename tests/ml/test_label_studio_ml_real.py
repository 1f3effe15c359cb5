"""The ML-backend client against the REAL label-studio-ml 1.0.9 server (ML-1, ML-2, ML-3,
ML-6), running a small model written here.

label-studio-ml 1.0.9 pins Flask 1.1.2 (with Jinja2 3.0.3, itsdangerous 2.0.1, werkzeug
2.0.2), so it gets a virtualenv of its own, built once and reused between runs (under
~/.cache/quorum, or QUORUM_LSML_VENV). Its metadata forgets redis and rq; markupsafe and
click are pinned to releases known to work with that Flask. No Redis is reachable by the
server (REDIS_PORT points at a closed port), so it trains in its own subprocesses. A
failed install fails the test: it is never skipped.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, update

from tests.cached_venv import cached_venv
from tests.factories import csrf_token, login
from tests.ml.conftest import choice_item
from tests.ml.http_stub import free_port, loopback  # noqa: F401 - fixture
from webapp.annotations.service import Submission, submit_annotation
from webapp.ml.pipeline import run_pending_jobs
from webapp.ml.predict import predict_tasks
from webapp.models import Annotation, OrgRole, Prediction
from webapp.models.ml import BackgroundJob, JobStatus, MLModel, ModelVersion

PACKAGES = ["label-studio-ml==1.0.9", "redis==5.0.8", "rq==1.16.2", "markupsafe==2.1.5", "click==8.1.7"]
VENV = Path(os.environ.get("QUORUM_LSML_VENV") or Path.home() / ".cache" / "quorum" / "label-studio-ml-1.0.9")
MODEL_SCRIPT = '''
from label_studio_ml.model import LabelStudioMLBase


class QuorumTestModel(LabelStudioMLBase):
    """Predicts "pos" with score 0.75 for every task; trains on START_TRAINING too."""

    TRAIN_EVENTS = LabelStudioMLBase.TRAIN_EVENTS + ("START_TRAINING",)

    def predict(self, tasks, **kwargs):
        result = [{"from_name": "intent", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}]
        return [{"result": result, "score": 0.75} for _ in tasks]

    def fit(self, tasks, workdir=None, **kwargs):
        data = kwargs.get("data") or {}
        return {"event": kwargs.get("event"), "annotation": (data.get("annotation") or {}).get("id")}
'''


def _venv() -> Path:
    return cached_venv(VENV, PACKAGES)


class Server:
    def __init__(self, directory: Path, url: str, process: subprocess.Popen, log: Path) -> None:
        self.directory, self.url, self.process, self.log = directory, url, process, log

    def find_result(self, wanted, timeout: float = 30) -> dict:
        """The first result the backend's training jobs stored that `wanted` accepts."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for path in self.directory.glob("*/job_result.json"):
                try:
                    result = json.loads(path.read_text())
                except ValueError:  # being written
                    continue
                if wanted(result):
                    return result
            time.sleep(0.2)
        pytest.fail(f"no training job result matched:\n{self.log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def lsml_server(tmp_path_factory):
    venv = _venv()
    root = tmp_path_factory.mktemp("lsml")
    (root / "quorum_test_model.py").write_text(MODEL_SCRIPT)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(free_port())}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(["label-studio-ml", "init", str(root / "backend"), "--script", str(root / "quorum_test_model.py")],
                   env=env, cwd=root, check=True, capture_output=True, timeout=120)
    port, log = free_port(), root / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["label-studio-ml", "start", str(root / "backend"), "--port", str(port), "--host", "127.0.0.1"],
            env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(root / "backend", f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_for_health(server)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the group this fixture started, nothing else
        process.wait(timeout=30)


def _wait_for_health(server: Server, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"label-studio-ml start exited:\n{server.log.read_text()[-3000:]}")
        try:
            if requests.get(server.url + "/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    pytest.fail(f"label-studio-ml did not answer /health within {timeout} s:\n{server.log.read_text()[-3000:]}")


def _predict_all(session, project, model) -> list[Prediction]:
    job = predict_tasks(session, project, None, model)
    session.commit()
    run_pending_jobs(session)
    assert session.get(BackgroundJob, job.id).status is JobStatus.DONE, session.get(BackgroundJob, job.id).message
    return session.scalars(select(Prediction).where(Prediction.project_id == project.id)).all()


def test_real_label_studio_ml_backend__ML_1__ML_2__ML_3__ML_6(session, client, factory, tiny, loopback, lsml_server):
    """ML-1 connect with health + setup; ML-3 Send test request and Start training
    (START_TRAINING webhook); ML-6 batch predictions written with the backend's
    model_version, evaluated on ground truth; ML-2 ANNOTATION_CREATED from a background job."""
    login(client, session.get(type(tiny.user), tiny.project.created_by_id))
    token = csrf_token(client, "/")
    base = f"/projects/{tiny.project.id}/settings/model/connections"
    saved = client.post(base, data={"csrf_token": token, "kind": "ml_backend", "title": "Real backend",
                                    "url": lsml_server.url, "auth_method": "none", "is_active": "y"},
                        headers={"HX-Request": "true"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert "model version INITIAL" in saved.get_data(as_text=True)
    model = session.scalar(select(MLModel).where(MLModel.title == "Real backend"))

    test = client.post(f"{base}/{model.id}/test", data={"csrf_token": token}, headers={"HX-Request": "true"})
    shown = test.get_data(as_text=True)
    assert "Request" in shown and "&#34;label_config&#34;" in shown and "&#34;tasks&#34;" in shown
    assert "Answer" in shown and "&#34;results&#34;" in shown and "0.75" in shown and "INITIAL" in shown

    first = _predict_all(session, tiny.project, model)
    assert len(first) == 30 and {(p.model_version, p.score) for p in first} == {("INITIAL", 0.75)}
    assert first[0].result == [choice_item("pos")]
    # ground truth: pos, neg, pos, neg, while the backend always says pos
    session.execute(update(Annotation).where(Annotation.task_id.in_([t.id for t in tiny.tasks[:4]]))
                    .values(ground_truth=True))
    _predict_all(session, tiny.project, model)
    version = session.scalar(select(ModelVersion).where(ModelVersion.version == "INITIAL"))
    assert version.model_id == model.id and version.metrics["intent"]["accuracy"] == 0.5

    assert "START_TRAINING" in client.post(f"{base}/{model.id}/train", data={"csrf_token": token},
                                           headers={"HX-Request": "true"}).get_data(as_text=True)
    run_pending_jobs(session)
    job = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "train")).all()[-1]
    assert job.status is JobStatus.DONE and "started training (job " in job.message, job.message
    trained = job.message.split("(job ")[1].rstrip(").")
    assert (lsml_server.directory / trained).is_dir()
    assert lsml_server.find_result(lambda r: r.get("event") == "START_TRAINING")
    again = _predict_all(session, tiny.project, model)
    assert {p.model_version for p in again} == {"INITIAL", trained}  # the retrained version's set

    time.sleep(1.1)  # the backend names jobs by the second
    tiny.project.start_training_on_annotation_update = True
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(tiny.project, annotator)
    created = submit_annotation(session, tiny.tasks[29].id, annotator, Submission(result=[choice_item("neg")]))
    hooks = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "ml_backend_webhook")).all()
    assert [h.status for h in hooks] == [JobStatus.PENDING]  # queued, not sent by the submit
    run_pending_jobs(session)
    sent = session.get(BackgroundJob, hooks[0].id)
    assert sent.status is JobStatus.DONE, sent.message
    learned = lsml_server.find_result(lambda r: r.get("annotation") == created.id)
    assert learned == {"event": "ANNOTATION_CREATED", "annotation": created.id}
