"""A Label Studio user's script, run unchanged by label-studio-sdk 2.1.2 in its own
virtualenv against a live Quorum (issue 16 point 1; test_label_studio_sdk_real.py).

Argv: base URL, API token, a directory local storages may use. Every call asserts what
Label Studio would answer. After creating an export snapshot it prints "SNAPSHOT <id>" and
waits for a line on stdin (the test runs the background job meanwhile); the last line
printed is a JSON summary the test checks against the database.
"""
import csv
import io
import json
import sys

from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

CONFIG = """<View><Text name="text" value="$text"/>
<Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/></Labels></View>"""
TEXT = "Zoë met Alice 👋 in Paris"
SPAN = [{"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 8, "end": 13, "text": "Alice", "labels": ["PER"]}}]


def refused(call, status: int) -> None:
    try:
        call()
    except ApiError as exc:
        assert exc.status_code == status, (exc.status_code, exc.body)
        return
    raise AssertionError(f"expected HTTP {status}")


def main(base_url: str, token: str, files_root: str) -> dict:
    ls = LabelStudio(base_url=base_url, api_key=token)
    assert ls.versions.get().release
    me = ls.users.whoami()
    assert me.id == ls.users.get_current_user().id
    assert me.id in [u.id for u in ls.users.list()]
    assert me.id in [m.user.id for m in ls.organizations.members.list(id=me.active_organization, page_size=1)]

    project = ls.projects.create(title="SDK flow", label_config=CONFIG)
    assert ls.projects.get(id=project.id).title == "SDK flow"
    ls.projects.update(id=project.id, title="SDK flow, renamed")
    assert "SDK flow, renamed" in [p.title for p in ls.projects.list(page_size=1)]  # the pager stops
    ls.projects.import_tasks(id=project.id, request=[{"text": f"Task {i}"} for i in range(5)])

    listed = list(ls.tasks.list(project=project.id, page_size=2))  # three pages, then an empty one
    assert [t.data["text"] for t in listed] == [f"Task {i}" for i in range(5)], listed
    page = ls.tasks.list(project=project.id, page_size=10, fields="all")
    assert page.response.total == 5 and page.items[0].annotations == []

    filters = {"conjunction": "and", "items": [
        {"filter": "filter:tasks:data.text", "operator": "contains", "type": "String", "value": "Task"}]}
    newest = ls.tasks.list(project=project.id, query=json.dumps({"filters": filters, "ordering": ["-tasks:id"]}))
    assert newest.items[0].id == listed[-1].id and newest.response.total == 5

    task = ls.tasks.create(project=project.id, data={"text": TEXT}, meta={"source": "sdk"})
    assert ls.tasks.get(id=str(task.id)).data == {"text": TEXT}
    updated = ls.tasks.update(id=str(task.id), data={"text": TEXT + "!"}, meta={"source": "sdk", "v": 2})
    assert updated.data["text"].endswith("!") and updated.meta == {"source": "sdk", "v": 2}
    refused(lambda: ls.tasks.update(id=str(task.id), data={"other": "x"}), 400)

    annotation = ls.annotations.create(id=task.id, result=SPAN, lead_time=4.5, ground_truth=True)
    assert (annotation.lead_time, annotation.ground_truth, annotation.was_cancelled) == (4.5, True, False)
    assert [a.id for a in ls.annotations.list(id=task.id)] == [annotation.id]
    assert ls.annotations.get(id=annotation.id).result == SPAN
    changed = ls.annotations.update(id=annotation.id, lead_time=6.0, ground_truth=False)
    assert (changed.lead_time, changed.ground_truth) == (6.0, False)

    prediction = ls.predictions.create(task=task.id, result=SPAN, score=0.8, model_version="sdk-v1")
    assert (prediction.score, prediction.model_version) == (0.8, "sdk-v1")
    assert [p.id for p in ls.predictions.list(task=task.id)] == [prediction.id]
    assert [p.id for p in ls.predictions.list(project=project.id)] == [prediction.id]
    assert ls.predictions.get(id=prediction.id).result == SPAN
    assert ls.predictions.update(id=prediction.id, score=0.3).score == 0.3
    spare = ls.predictions.create(task=listed[0].id, result=[], score=0.1, model_version="sdk-v1")
    ls.predictions.delete(id=spare.id)
    refused(lambda: ls.predictions.get(id=spare.id), 404)

    formats = {f["name"] for f in ls.projects.exports.list_formats(id=project.id)}
    assert {"JSON", "JSON_MIN", "CSV", "TSV", "CONLL2003", "SPACY"} <= formats, formats
    exported = b"".join(ls.projects.exports.download_sync(id=project.id, export_type="CSV", download_all_tasks=True))
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
    assert len(rows) == 6 and TEXT + "!" in [r["text"] for r in rows], rows
    minimal = json.loads(b"".join(ls.projects.exports.download_sync(id=project.id, export_type="JSON_MIN")))
    assert [item["text"] for item in minimal] == [TEXT + "!"], minimal
    refused(lambda: b"".join(ls.projects.exports.download_sync(id=project.id, export_type="XML")), 400)

    snapshot = ls.projects.exports.create(id=project.id, title="Before clean-up")
    assert snapshot.status == "created"
    print(f"SNAPSHOT {snapshot.id}", flush=True)
    sys.stdin.readline()  # the test runs the background jobs, then answers
    assert ls.projects.exports.get(id=project.id, export_pk=snapshot.id).status == "completed"
    assert [e.id for e in ls.projects.exports.list(id=project.id)] == [snapshot.id]
    saved = json.loads(b"".join(ls.projects.exports.download(id=project.id, export_pk=snapshot.id,
                                                            export_type="JSON")))
    assert [t["data"]["text"] for t in saved][-1] == TEXT + "!" and len(saved) == 6, saved
    ls.projects.exports.delete(id=project.id, export_pk=snapshot.id)
    assert ls.projects.exports.list(id=project.id) == []

    refused(lambda: ls.ml.create(project=project.id, url="http://127.0.0.1:9"), 400)  # a backend, unreachable
    assert ls.ml.list(project=project.id) == []

    hook = ls.webhooks.create(project=project.id, url="http://127.0.0.1:9/hook", actions=["TASKS_CREATED"])
    assert [h.id for h in ls.webhooks.list(project=str(project.id))] == [hook.id]
    assert ls.webhooks.get(id=hook.id).url == "http://127.0.0.1:9/hook"
    assert ls.webhooks.update(id=hook.id, is_active=False).is_active is False
    ls.webhooks.delete(id=hook.id)

    source = ls.import_storage.local.create(project=project.id, path=files_root, title="In")
    assert [s.id for s in ls.import_storage.local.list(project=project.id)] == [source.id]
    assert ls.import_storage.local.get(id=source.id).type == "localfiles"
    target = ls.export_storage.local.create(project=project.id, path=files_root, title="Out")
    assert [s.id for s in ls.export_storage.local.list(project=project.id)] == [target.id]
    assert ls.export_storage.local.get(id=target.id).path == files_root
    ls.export_storage.local.delete(id=target.id)
    ls.import_storage.local.delete(id=source.id)
    assert ls.import_storage.local.list(project=project.id) == []

    ls.annotations.delete(id=annotation.id)
    refused(lambda: ls.annotations.get(id=annotation.id), 404)
    ls.tasks.delete(id=str(listed[0].id))
    refused(lambda: ls.tasks.get(id=str(listed[0].id)), 404)
    assert ls.tasks.list(project=project.id).response.total == 5
    kept_task = task.id
    ls.tasks.delete_all_tasks(id=project.id)
    assert list(ls.tasks.list(project=project.id)) == []
    return {"project": project.id, "task": kept_task, "prediction": prediction.id, "user": me.id}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
