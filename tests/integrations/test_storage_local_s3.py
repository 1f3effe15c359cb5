"""STO-1, STO-2 for a local directory (confined to the files root) and for S3 through
moto's standalone server: a real HTTP endpoint, not a patched client."""
from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest

from tests.integrations.storage_helpers import TEXTS, round_trip, span
from webapp.annotations.service import Submission, submit_annotation
from webapp.io.storage.base import StorageError
from webapp.io.storage.sync import StorageSettings, create_storage, sync_due_storages, sync_storage
from webapp.models import OrgRole, StorageSyncRun
from webapp.models._types import utcnow


@pytest.fixture
def files_root(app, tmp_path):
    app.config["QUORUM_LOCAL_FILES_ROOT"] = str(tmp_path)
    yield tmp_path
    app.config.pop("QUORUM_LOCAL_FILES_ROOT", None)


def test_STO_1_STO_2_local_directory_round_trip(session, factory, app, files_root):
    incoming, outgoing = files_root / "in", files_root / "out"
    incoming.mkdir()
    outgoing.mkdir()
    for i, text in enumerate(TEXTS):
        (incoming / f"{i}.txt").write_text(text)
    (incoming / "notes.md").write_text("filtered out")
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    round_trip(session, app.config, project, manager, "local",
               {"path": "in", "regex_filter": r"\.txt$"}, {"path": str(outgoing)},
               lambda: {p.name: p.read_bytes() for p in outgoing.iterdir()})


def test_STO_1_local_paths_outside_the_root_are_refused(session, factory, app, files_root, tmp_path_factory):
    project = factory.project()
    outside = tmp_path_factory.mktemp("outside")
    for path in (str(outside), "../", "/etc"):
        with pytest.raises(StorageError, match="inside"):
            create_storage(session, project, StorageSettings("local", params={"path": path}), app.config)
    app.config.pop("QUORUM_LOCAL_FILES_ROOT")
    with pytest.raises(StorageError, match="off"):
        create_storage(session, project, StorageSettings("local", params={"path": "x"}), app.config)


def test_STO_1_STO_2_s3_json_tasks_round_trip_through_moto_server(session, factory, app, s3_endpoint):
    keys = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "s3-secret"}
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **keys)
    s3.create_bucket(Bucket="quorum")
    for i, text in enumerate(TEXTS):
        s3.put_object(Bucket="quorum", Key=f"tasks/{i}.json", Body=json.dumps({"data": {"text": text}}))
    s3.put_object(Bucket="quorum", Key="tasks/readme.txt", Body=b"not a task")
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    params = {"bucket": "quorum", "endpoint_url": s3_endpoint, "access_key_id": "AKIDTEST"}

    def read_target():
        listed = s3.list_objects_v2(Bucket="quorum", Prefix="annotations/").get("Contents", [])
        return {o["Key"]: s3.get_object(Bucket="quorum", Key=o["Key"])["Body"].read() for o in listed}

    round_trip(session, app.config, project, manager, "s3",
               {**params, "prefix": "tasks/", "regex_filter": r"\.json$", "mode": "json"},
               {**params, "prefix": "annotations/"}, read_target, secret="s3-secret")


def test_STO_1_s3_secret_stored_encrypted_and_wrong_key_logged(session, factory, app, s3_endpoint):
    project = factory.project()
    storage = create_storage(session, project, StorageSettings(
        "s3", params={"bucket": "missing", "endpoint_url": s3_endpoint, "access_key_id": "AKID"},
        secret="top-secret"), app.config)
    session.commit()
    assert "top-secret" not in storage.secret_encrypted and storage.secret_encrypted
    run = sync_storage(session, storage.id, app.config)
    assert run.status == "failed" and "NoSuchBucket" in run.errors[0]["error"]
    assert session.get(StorageSyncRun, run.id).finished_at is not None


def test_STO_2_write_on_submit_and_interval_are_run_by_the_job(session, factory, app, files_root):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["Ada met Bob"])
    out = create_storage(session, project, StorageSettings(
        "local", "target", params={"path": "."}, write_on_submit=True, sync_interval_minutes=60), app.config)
    session.commit()
    assert sync_due_storages(session, app.config) == 1  # never synced: due at once
    assert list(files_root.iterdir()) == []
    submit_annotation(session, task.id, manager, Submission(result=[span("Ada met Bob")]))
    session.refresh(out)
    assert out.sync_requested  # asked in the submit's transaction, written by the job
    assert sync_due_storages(session, app.config) == 1
    assert [p.suffix for p in files_root.iterdir()] == [".json"]
    assert sync_due_storages(session, app.config) == 0
    assert sync_due_storages(session, app.config, utcnow() + timedelta(minutes=61)) == 1


def test_STO_1_s3_endpoint_on_a_private_address_is_refused(session, factory, app, moto_server):
    """The endpoint is outbound like a webhook: loopback only where the policy allows it."""
    project = factory.project()
    settings = StorageSettings("s3", params={"bucket": "media", "endpoint_url": moto_server}, secret="s")
    with pytest.raises(StorageError, match="non-public address 127.0.0.1"):
        create_storage(session, project, settings, app.config)
