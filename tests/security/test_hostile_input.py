"""Hostile input answers a clear 4xx, never a 500 (issue 13 point 6).

Every test here failed on main with a 500 (RecursionError, OverflowError, TypeError,
a database error) or by storing what PostgreSQL then refuses.
"""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from tests.factories import csrf_token, login
from webapp.labeling._xml import MAX_CONFIG_BYTES, MAX_DEPTH, MAX_ELEMENTS
from webapp.models import Annotation, DataManagerTab, OrgRole, Project, Storage, Task, User

DEEP = "[" * 10_000 + "]" * 10_000
NER_RESULT = [{"from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}}]


def auth(user) -> dict:
    return {"Authorization": f"Token {user.api_token}"}


@pytest.fixture
def setup(factory, session):
    """An administrator's project with three tasks and one annotation on the first."""
    owner = factory.user(OrgRole.ADMINISTRATOR)
    project = factory.project(owner)
    tasks = factory.tasks(project, ["Alice met Bob"] * 3)
    annotation = Annotation(task_id=tasks[0].id, project_id=project.id, completed_by_id=owner.id, result=[])
    session.add(annotation)
    session.commit()
    return {"owner": owner, "project": project.id, "task": tasks[1].id, "annotation": annotation.id}


def stored(session) -> dict:
    """What a refused request must not have changed."""
    session.expire_all()
    return {
        "projects": session.scalar(select(func.count(Project.id))),
        "titles": sorted(session.scalars(select(Project.title))),
        "tasks": session.scalar(select(func.count(Task.id))),
        "annotations": session.scalar(select(func.count(Annotation.id))),
        "results": sorted(json.dumps(r) for r in session.scalars(select(Annotation.result))),
        "storages": session.scalar(select(func.count(Storage.id))),
    }


JSON_ROUTES = [
    ("POST", "/api/projects"),
    ("PATCH", "/api/projects/{project}"),
    ("POST", "/api/projects/{project}/import"),
    ("POST", "/api/tasks/{task}/annotations"),
    ("PATCH", "/api/annotations/{annotation}"),
    ("POST", "/api/projects/{project}/tasks/assignees"),
    ("POST", "/api/webhooks"),
    ("POST", "/api/storages/local"),
    ("POST", "/api/projects/{project}/members"),
    ("POST", "/api/ml"),
    ("POST", "/api/annotations/{annotation}/reviews"),
]


def send(client, setup, method: str, path: str, data) -> object:
    body = data if isinstance(data, (bytes, str)) else json.dumps(data)
    return client.open(path.format(**setup), method=method, headers=auth(setup["owner"]),
                       data=body, content_type="application/json")


@pytest.mark.parametrize("method, path", JSON_ROUTES)
def test_deep_json_is_refused_naming_the_depth(client, session, setup, method, path):
    """issue 13 point 6: 10,000-deep nesting raised RecursionError (500); now 400, nothing stored."""
    before = stored(session)
    response = send(client, setup, method, path, DEEP)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "nested deeper than 64 levels" in response.get_json()["detail"]
    assert stored(session) == before


def test_deep_json_inside_an_object_is_refused(client, session, setup):
    """issue 13 point 6: the depth counts brackets outside strings only."""
    body = '{"result": ' + DEEP + ', "comment": "[[[[ in a string ]]]"}'
    response = send(client, setup, "POST", "/api/tasks/{task}/annotations", body)
    assert response.status_code == 400 and "64 levels" in response.get_json()["detail"]
    shallow = send(client, setup, "POST", "/api/tasks/{task}/annotations",
                   {"result": NER_RESULT, "comment": "[" * 500})
    assert shallow.status_code == 201, shallow.get_json()


@pytest.mark.parametrize("value, message", [
    ("\u0000", "NUL"),
    ("x\ud800", "surrogate"),
    (10**30, "out of range"),
])
@pytest.mark.parametrize("method, path", JSON_ROUTES)
def test_unstorable_json_values_are_refused(client, session, setup, method, path, value, message):
    """issue 13 point 6: PostgreSQL refuses NUL and lone surrogates; no column holds 10**30."""
    before = stored(session)
    response = send(client, setup, method, path, {"title": value, "result": [value]})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert message in response.get_json()["detail"]
    assert stored(session) == before


def test_nan_is_not_a_json_number(client, session, setup):
    """issue 13 point 6: JSONB refuses NaN; Python's parser accepted it."""
    response = send(client, setup, "POST", "/api/tasks/{task}/annotations", '{"result": [], "lead_time": NaN}')
    assert response.status_code == 400 and "NaN" in response.get_json()["detail"]


def test_body_over_the_limit_is_413(app, client, session, setup):
    """issue 13 point 6: QUORUM_MAX_BODY_BYTES bounds every route but the imports."""
    before = stored(session)
    big = json.dumps({"title": "x", "description": "d" * app.config["QUORUM_MAX_BODY_BYTES"]})
    response = send(client, setup, "PATCH", "/api/projects/{project}", big)
    assert response.status_code == 413
    assert "larger than this page accepts" in response.get_json()["detail"]
    assert stored(session) == before


def test_import_route_takes_the_larger_limit(app, client, session, setup):
    """issue 13 point 6: an import body over 1 MB is accepted up to QUORUM_MAX_IMPORT_BYTES."""
    tasks = [{"data": {"text": "x" * 1000}} for _ in range(1500)]
    response = send(client, setup, "POST", "/api/projects/{project}/import", tasks)
    assert response.status_code == 201, response.get_json()
    old = app.config["QUORUM_MAX_IMPORT_BYTES"]
    app.config["QUORUM_MAX_IMPORT_BYTES"] = 1000
    try:
        refused = send(client, setup, "POST", "/api/projects/{project}/import", tasks)
    finally:
        app.config["QUORUM_MAX_IMPORT_BYTES"] = old
    assert refused.status_code == 413


def test_html_form_over_the_limit_is_413_page(client, session, setup):
    """issue 13 point 6: the HTML answer names the limit too."""
    login(client, setup["owner"])
    token = csrf_token(client, f"/projects/{setup['project']}/data")
    response = client.post(f"/projects/{setup['project']}/data/tabs",
                           data={"csrf_token": token, "title": "t" * 2_000_000})
    assert response.status_code == 413
    assert "larger than this page accepts" in response.get_data(as_text=True)


@pytest.mark.parametrize("filename, content", [
    ("tasks.json", DEEP),
    ("tasks.jsonl", '{"data": {"text": "ok"}}\n' + '{"data": ' + DEEP + "}"),
])
def test_deep_json_in_an_import_file_is_refused(client, session, setup, filename, content):
    """issue 13 point 6: JSON inside uploaded files is depth-checked before parsing."""
    before = stored(session)
    response = client.post(f"/api/projects/{setup['project']}/import", headers=auth(setup["owner"]),
                           data={"file": (io.BytesIO(content.encode()), filename)})
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.get_json()["detail"]
    assert stored(session) == before


def test_nul_in_a_csv_import_is_refused(client, session, setup):
    """issue 13 point 6: a raw NUL byte in a CSV would fail on PostgreSQL mid-import."""
    before = stored(session)
    response = client.post(f"/api/projects/{setup['project']}/import", headers=auth(setup["owner"]),
                           data={"file": (io.BytesIO(b"text\nfine\nbad\x00row\n"), "tasks.csv")})
    assert response.status_code == 400
    assert "line 3" in response.get_json()["detail"] and "NUL" in response.get_json()["detail"]
    assert stored(session) == before


def _config(body: str) -> str:
    return f'<View><Text name="text" value="$text"/>{body}</View>'


DEEP_CONFIG = _config("<View>" * 3000 + "</View>" * 3000 + '<Choices name="c" toName="text"><Choice value="a"/></Choices>')
HUGE_CONFIG = _config('<Choices name="c" toName="text">'
                      + "".join(f'<Choice value="choice {i}"/>' for i in range(60_000)) + "</Choices>")
MANY_TAGS_CONFIG = _config('<Choices name="c" toName="text">'
                           + "".join(f'<Choice value="{i}"/>' for i in range(MAX_ELEMENTS)) + "</Choices>")


@pytest.mark.parametrize("config, message", [
    (DEEP_CONFIG, f"tags nest deeper than {MAX_DEPTH} levels"),
    (HUGE_CONFIG, f"at most {MAX_CONFIG_BYTES // 1024} KB"),
    (MANY_TAGS_CONFIG, f"more than {MAX_ELEMENTS} tags"),
])
@pytest.mark.parametrize("method, path", [("POST", "/api/projects"), ("PATCH", "/api/projects/{project}")])
def test_hostile_labeling_config_is_refused(app, client, session, setup, method, path, config, message):
    """issue 13 point 6, LBL-2: refused before the tree is walked (3,000 deep was a RecursionError,
    60,000 choices took 5.5 s then failed). The body limit is raised so the config check answers."""
    assert len(HUGE_CONFIG) > 1_400_000
    before = stored(session)
    old = app.config["QUORUM_MAX_BODY_BYTES"]
    app.config["QUORUM_MAX_BODY_BYTES"] = 4 * 1024 * 1024
    try:
        response = send(client, setup, method, path, {"title": "Config", "label_config": config})
    finally:
        app.config["QUORUM_MAX_BODY_BYTES"] = old
    assert response.status_code == 400, response.get_data(as_text=True)
    assert message in response.get_json()["detail"]
    assert stored(session) == before


def test_huge_labeling_config_with_default_limits_is_413(client, session, setup):
    """issue 13 point 6: with the default 1 MB body limit the 1.4 MB config never reaches the parser."""
    response = send(client, setup, "PATCH", "/api/projects/{project}", {"label_config": HUGE_CONFIG})
    assert response.status_code == 413


def test_hostile_config_in_the_settings_preview(client, session, setup):
    """issue 13 point 6: the htmx live preview parses the config too."""
    login(client, setup["owner"])
    token = csrf_token(client, f"/projects/{setup['project']}/settings/labeling")
    response = client.post(f"/projects/{setup['project']}/settings/labeling/preview",
                           data={"csrf_token": token, "label_config": DEEP_CONFIG})
    assert response.status_code < 500
    assert f"deeper than {MAX_DEPTH} levels" in response.get_data(as_text=True)


def test_nul_in_a_local_storage_path_is_refused(app, client, session, setup, tmp_path):
    """issue 13 point 6: a NUL made Path.resolve raise ValueError (500); refused at validation."""
    app.config["QUORUM_LOCAL_FILES_ROOT"] = str(tmp_path)
    try:
        for path, message in [("a\x00b", "NUL character"), ("a\x1bb", "'path' must not contain NUL or other control")]:
            response = send(client, setup, "POST", "/api/storages/local", {"project": setup["project"], "path": path})
            assert response.status_code == 400, response.get_json()
            assert message in response.get_json()["detail"]
        login(client, setup["owner"])
        token = csrf_token(client, f"/projects/{setup['project']}/settings/cloud-storage")
        page = client.post(f"/projects/{setup['project']}/settings/cloud-storage", data={
            "csrf_token": token, "kind": "local", "role": "source", "mode": "text", "path": "a\x00b"})
    finally:
        app.config["QUORUM_LOCAL_FILES_ROOT"] = ""
    assert page.status_code == 422
    assert "must not contain NUL" in page.get_data(as_text=True)
    assert stored(session)["storages"] == 0


@pytest.mark.parametrize("title", ["a\x00b", "bell\x07", "a\x1bb"])
def test_control_characters_in_a_project_title_are_refused(client, session, setup, title):
    """issue 13 point 6: API create and PATCH, and the new-project form."""
    before = stored(session)
    created = send(client, setup, "POST", "/api/projects", {"title": title, "template": "ner"})
    patched = send(client, setup, "PATCH", "/api/projects/{project}", {"title": title})
    message = "NUL character" if "\x00" in title else "must not contain NUL or other control characters"
    for response in (created, patched):
        assert response.status_code == 400, response.get_json()
        assert message in response.get_json()["detail"]
    login(client, setup["owner"])
    form = client.post("/projects/new", data={"csrf_token": csrf_token(client, "/projects/new"),
                                              "title": title, "template": "ner"})
    assert form.status_code in (200, 400, 422)
    assert "must not contain NUL or other control characters" in form.get_data(as_text=True)
    assert stored(session) == before


def test_nul_in_a_tab_name_is_refused(client, session, setup):
    """issue 13 point 6: "Save as tab" stored a NUL (PostgreSQL: 500)."""
    login(client, setup["owner"])
    token = csrf_token(client, f"/projects/{setup['project']}/data")
    response = client.post(f"/projects/{setup['project']}/data/tabs", data={"csrf_token": token, "title": "a\x00b"})
    assert response.status_code == 400
    assert "The tab name must not contain NUL" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(DataManagerTab.id))) == 0


@pytest.mark.parametrize("method, path, body, message", [
    ("PATCH", "/api/projects/{project}", {"title": 5}, "must be a string"),
    ("PATCH", "/api/projects/{project}", {"color": ["#000000"]}, "'color' must be a string"),
    ("PATCH", "/api/projects/{project}", {"label_config": 5}, "The labeling config must be a string"),
    ("POST", "/api/projects", {"title": "t", "template": ["ner"]}, "'template' must be a string"),
    ("POST", "/api/projects/{project}/members", {"user": [1]}, "is not a user of this organisation"),
    ("POST", "/api/projects/{project}/tasks/assignees", {"type": ["AN"]}, "'type' must be"),
    ("POST", "/api/projects/{project}/predict", {"model": {}}, "'model' must be a model id"),
    ("POST", "/api/projects/{project}/predict", [1, 2], "must be a JSON object"),
    ("POST", "/api/ml", ["x"], "must be a JSON object"),
    ("POST", "/api/webhooks", {"project": "{project}", "url": 5}, "'url' must be a string"),
    ("POST", "/api/webhooks", {"project": "{project}", "url": "http://127.0.0.1:9/", "is_active": "no"},
     "'is_active' must be true or false"),
])
def test_wrong_json_types_are_400(client, session, setup, method, path, body, message):
    """issue 13 point 6: each of these was a TypeError or AttributeError (500) on main."""
    if isinstance(body, dict) and body.get("project") == "{project}":
        body = {**body, "project": setup["project"]}
    before = stored(session)
    response = send(client, setup, method, path, body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert message in response.get_json()["detail"]
    assert stored(session) == before


@pytest.mark.parametrize("path", [
    "/api/tasks/{big}", "/api/projects/{big}", "/api/annotations/{big}", "/api/ml/{big}", "/api/webhooks/{big}",
    "/projects/{big}/data",
])
@pytest.mark.parametrize("big", [2**31, 10**30])
def test_ids_past_the_id_range_are_404(client, session, setup, path, big):
    """issue 13 point 6: /api/tasks/10**30 overflowed the driver (500); 2**31 on PostgreSQL."""
    response = client.get(path.format(big=big), headers=auth(setup["owner"]))
    assert response.status_code in (404, 405)  # no rule takes the id; another may take the path


@pytest.mark.parametrize("big", [2**31, 10**30])
@pytest.mark.parametrize("path", ["/api/webhooks", "/api/ml"])
def test_project_query_past_the_id_range_is_400(client, session, setup, path, big):
    """issue 13 point 6: ?project=10**30 overflowed the database driver (500)."""
    response = client.get(f"{path}?project={big}", headers=auth(setup["owner"]))
    assert response.status_code == 400


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/webhooks", {"project": 2**31, "url": "http://127.0.0.1:9/"}),
    ("POST", "/api/ml", {"project": 2**31}),
    ("POST", "/api/projects/{project}/members", {"user": 2**31}),
    ("POST", "/api/projects/{project}/predict", {"task_ids": [2**31]}),
    ("POST", "/api/projects", {"title": "t", "template": "ner", "workspace": 2**31}),
])
def test_json_ids_past_the_id_range_are_4xx(client, session, setup, method, path, body):
    """issue 13 point 6: PostgreSQL's INTEGER ids overflow at 2**31 (500); SQLite finds no row."""
    before = stored(session)
    response = send(client, setup, method, path, body)
    assert response.status_code in (400, 404), response.get_data(as_text=True)
    assert stored(session) == before


def test_non_utf8_json_body_is_400(client, session, setup):
    """issue 13 point 6: a body that is not UTF-8 is a client error."""
    response = send(client, setup, "POST", "/api/tasks/{task}/annotations", b'{"result": "\xff"}')
    assert response.status_code == 400


def test_html_import_takes_the_larger_limit(client, session, setup):
    """issue 13 point 6: the import page is marked @large_body too (a 1.5 MB CSV is no 413)."""
    login(client, setup["owner"])
    path = f"/projects/{setup['project']}/import"
    csv = b"text\n" + b"".join(b"row %d %s\n" % (i, b"x" * 1000) for i in range(1500))
    response = client.post(path, data={"csrf_token": csrf_token(client, path),
                                       "file": (io.BytesIO(csv), "tasks.csv")})
    assert response.status_code == 302
    assert stored(session)["tasks"] == 3 + 1500


@pytest.mark.parametrize("big", [2**31, 10**30])
@pytest.mark.parametrize("path", ["/projects/{project}/stream?tasks={big}", "/projects/{project}/settings/webhooks?edit={big}"])
def test_html_ids_past_the_id_range_are_not_500(client, session, setup, path, big):
    """issue 13 point 6: both overflowed the database driver (500)."""
    login(client, setup["owner"])
    response = client.get(path.format(project=setup["project"], big=big))
    assert response.status_code == 200


def test_deep_json_in_model_extra_params_is_refused(client, session, setup):
    """issue 13 point 6: the model form's JSON field raised RecursionError (500)."""
    login(client, setup["owner"])
    base = f"/projects/{setup['project']}/settings/model"
    response = client.post(f"{base}/connections", data={
        "csrf_token": csrf_token(client, base), "kind": "ml_backend", "title": "m",
        "url": "http://127.0.0.1:9/", "extra_params": DEEP})
    assert response.status_code == 422
    assert "nested deeper than 64 levels" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["a\x00b", "esc\x1b[31m"])
def test_control_characters_in_a_user_name_are_refused(app, session, name):
    """issue 13 point 6: `flask users create --name` stored NUL (PostgreSQL: a crash) and escapes."""
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "named@example.org", "--password", "long-enough-pw", "--name", name])
    assert result.exit_code != 0
    assert "The name must not contain NUL or other control characters" in result.output
    assert session.scalar(select(func.count(User.id))) == 0


def test_deep_json_from_a_chat_model_is_ignored():
    """issue 13 point 6: a hostile chat endpoint's 10,000-deep answer raised RecursionError in the job."""
    from webapp.labeling import parse_config
    from webapp.ml.remote import openai_chat as llm_source

    config = _config('<Labels name="label" toName="text"><Label value="PER"/></Labels>')
    control = parse_config(config).controls["label"]
    assert llm_source.result_items(control, DEEP, "Bob") == []
