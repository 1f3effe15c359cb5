"""Every route x every role, in a Manual and an Auto project (issue 13 point 1).

The rules come from app.url_map and each needs an entry in ROUTES: a route added without
one fails test_every_route_has_an_entry. An entry gives the expected answer per role, in
Role order (owner, administrator, manager, reviewer, annotator member, annotator
non-member, anonymous), one letter each:

    A  allowed: the request reached the view (2xx, 3xx, or a 4xx about the request itself)
    F  403
    N  404 with the access gate's one body ("Not found.")
    L  401 (API) or a redirect to the login page

URL arguments are the ids of real rows of the seeded world (tests/security/world.py), so
a 404 is the access gate's and not a missing row. The API registers every rule twice,
with and without a trailing slash, for the same view: `*_slash` endpoints share their
base entry (test_slash_rules_share_their_view proves it) and are not requested again.
Writes carry the CSRF token, so CSRF is never what answers; a pass runs reads first,
then writes, then deletions, then the project's own deletion and logout.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.factories import csrf_token, login
from tests.security.world import Role, build_world, tab_of
from webapp.access import NOT_FOUND
from webapp.models import Distribution

SLASH = "_slash"
ROLES = list(Role)
STATIC_FILE = "css/app.css"


@dataclass(frozen=True)
class Entry:
    manual: str
    auto: str | None = None  # None: as in Manual
    # 0 reads, 1 writes, 2 deletions, 2.5 emptying the project, 3 its deletion, 4 logout
    phase: float = 1
    query: str = ""  # formatted with the world's ids
    json: dict | None = None  # a JSON body (values formatted with the ids), else a form
    spare: bool = False  # the world's spare rows: a page and the API both delete one
    target: bool = False  # the world's export storage (target_storage_id), not its import one

    def expected(self, distribution: Distribution) -> str:
        letters = self.auto if distribution is Distribution.AUTO and self.auto else self.manual
        assert len(letters) == len(ROLES), letters
        return letters


def e(manual: str, auto: str | None = None, **options) -> Entry:
    return Entry(manual, auto, **options)


# Policies, by role: owner, administrator, manager, reviewer, annotator, outsider, anonymous.
PUBLIC = e("AAAAAAA")
SIGNED_IN = e("AAAAAAL")
STAFF = e("AAAFFFL")  # create projects, list the organisation's people
VIEW = e("AAAAANL")
MANAGE = e("AAAFFNL")
ANNOTATE = e("AAAFANL")
REVIEW = e("AAAAFNL")
QUALITY = e("AAAFFNL")  # agreement: withheld from reviewers by default (REV-8), annotators (OPT-3)
DATA_MANAGER = e("AAAAFNL")  # shown to reviewers, not to annotators (the defaults, OPT-3)
# The subject task is assigned to nobody: in Manual the annotator member may not see it
# (ANN-2), in Auto they may read and label it; the annotation is the annotator's own.
TASK_READ = e("AAAANNL", "AAAAANL")
TASK_LABEL = e("AAAFNNL", "AAAFANL")
TASK_MANAGE = e("AAAFNNL", "AAAFFNL")
ANNOTATION_REVIEW = e("AAAANNL", "AAAAFNL")


def _with(entry: Entry, **options) -> Entry:
    return Entry(**{**entry.__dict__, **options})


PROJECT_JSON = {"project": "{project_id}"}

ROUTES: dict[str, Entry] = {
    "static": _with(PUBLIC, phase=0),
    "auth.login": PUBLIC,
    "auth.account": SIGNED_IN,
    "auth.logout": _with(SIGNED_IN, phase=4),
    "projects.index": SIGNED_IN,
    "projects.create": STAFF,
    "projects.detail": VIEW,
    "dashboard.page": VIEW,
    "quality.dashboard": QUALITY,
    "exports.page": MANAGE,
    "exports.download": MANAGE,
    "imports.upload": MANAGE,
    "my_work.page": ANNOTATE,
    "stream.label": ANNOTATE,
    "stream.suggestions": _with(TASK_LABEL, json={"task_id": "{task_id}", "context": {}}),
    "stream.submit": _with(TASK_LABEL, json={"result": []}),
    "stream.skip": _with(TASK_LABEL, json={}),
    "stream.draft": _with(TASK_LABEL, json={"result": []}),
    "review.stream": REVIEW,
    "review.ground_truth": ANNOTATION_REVIEW,
    "data_manager.table": DATA_MANAGER,
    "data_manager.act": DATA_MANAGER,
    "data_manager.save": DATA_MANAGER,
    "data_manager.remove": _with(DATA_MANAGER, phase=2),
    "settings_annotation.page": MANAGE,
    "settings_annotation.reservation": MANAGE,
    "settings_cloud_storage.page": MANAGE,
    "settings_cloud_storage.create": MANAGE,
    "settings_cloud_storage.delete": _with(MANAGE, phase=2),
    "settings_cloud_storage.sync": MANAGE,
    "settings_danger_zone.page": MANAGE,
    "settings_danger_zone.delete": _with(MANAGE, phase=3),
    "settings_danger_zone.drop_tabs": _with(MANAGE, phase=2),
    "settings_danger_zone.reset_cache": MANAGE,
    "settings_general.page": MANAGE,
    "settings_labeling.page": MANAGE,
    "settings_labeling.preview": MANAGE,
    "settings_members.page": MANAGE,
    "settings_members.add": MANAGE,
    "settings_members.remove": _with(MANAGE, phase=2),
    "settings_members.role": MANAGE,
    "settings_members.search": MANAGE,
    "settings_model.page": MANAGE,
    "settings_model.autolabel": MANAGE,
    "settings_model.autolabel_figures": MANAGE,
    "settings_model.connect": MANAGE,
    "settings_model.delete": _with(MANAGE, phase=2, spare=True),
    "settings_model.edit": MANAGE,
    "settings_model.status": MANAGE,
    "settings_model.test_request": MANAGE,
    "settings_model.train": MANAGE,
    "settings_predictions.page": MANAGE,
    "settings_predictions.delete": _with(MANAGE, phase=2),
    "settings_predictions.job_status": MANAGE,
    "settings_predictions.run": MANAGE,
    "settings_quality.page": MANAGE,
    "settings_review.page": MANAGE,
    "settings_webhooks.page": MANAGE,
    "settings_webhooks.create": MANAGE,
    "settings_webhooks.edit": MANAGE,
    "settings_webhooks.delete": _with(MANAGE, phase=2, spare=True),
    "settings_webhooks.log": MANAGE,
    "settings_webhooks.send_test": MANAGE,
    "settings_webhooks.reveal": e("AAFFFNL"),  # owner and administrator only
    # The API: token or session; anonymous gets 401.
    "api.users_current": SIGNED_IN,
    "api.users_token": SIGNED_IN,
    "api.members_users": STAFF,
    "api.members_memberships": STAFF,
    "api.projects_list_projects": SIGNED_IN,
    "api.projects_create": _with(STAFF, json={"title": "New"}),
    "api.projects_read": VIEW,
    "api.projects_update": _with(MANAGE, json={}),
    "api.projects_delete": _with(MANAGE, phase=3),
    "api.projects_export": MANAGE,
    "api.projects_export_formats": MANAGE,
    "api.projects_import_": _with(MANAGE, json=[]),
    "api.quality_agreement": QUALITY,
    "api.members_list_members": MANAGE,
    "api.members_add": _with(MANAGE, json={}),
    "api.members_remove": _with(MANAGE, phase=2),
    "api.tasks_list_tasks": DATA_MANAGER,
    "api.tasks_next_": ANNOTATE,
    "api.tasks_read": TASK_READ,
    "api.annotations_create": _with(TASK_LABEL, json={"result": []}),
    "api.annotations_list_for_task": TASK_MANAGE,
    "api.annotations_read": TASK_READ,
    "api.annotations_update": _with(TASK_LABEL, json={}),
    "api.annotations_delete": _with(TASK_LABEL, phase=2),
    "api.reviews_create": _with(ANNOTATION_REVIEW, json={}),
    "api.reviews_list_for_annotation": ANNOTATION_REVIEW,
    "api.reviews_next_for_review": REVIEW,
    "api.assignments_create": _with(MANAGE, json={}),
    "api.assignments_remove": _with(MANAGE, phase=2, json={}),
    "api.integrations_presign_task_data": _with(TASK_READ, query="fileuri=s3://bucket/key.txt"),
    "api.integrations_list_webhooks": _with(MANAGE, query="project={project_id}"),
    "api.integrations_create": _with(MANAGE, json=PROJECT_JSON | {"url": "http://127.0.0.1:9/"}),
    "api.integrations_read": MANAGE,
    "api.integrations_patch": _with(MANAGE, json={}),
    "api.integrations_delete": _with(MANAGE, phase=2),
    "api.integrations_create_storage_view": _with(MANAGE, json=PROJECT_JSON),
    "api.integrations_sync": MANAGE,
    "api.ml_list_models": _with(MANAGE, query="project={project_id}"),
    "api.ml_create_model": _with(MANAGE, json=PROJECT_JSON),
    "api.ml_get_model": MANAGE,
    "api.ml_update_model": _with(MANAGE, json={}),
    "api.ml_delete_model": _with(MANAGE, phase=2),
    "api.ml_test_model": _with(MANAGE, json={}),
    "api.ml_train_model": _with(MANAGE, json={}),
    "api.ml_batch_predict": _with(MANAGE, json={}),
    "api.ml_get_job": MANAGE,
    "api.users_whoami": SIGNED_IN,
    "api.users_version": SIGNED_IN,
    "api.task_rows_list_page": _with(DATA_MANAGER, query="project={project_id}"),
    "api.task_rows_create": _with(MANAGE, json=PROJECT_JSON | {"data": {"text": "New"}}),
    "api.task_rows_update": _with(TASK_MANAGE, json={}),
    "api.task_rows_delete": _with(TASK_MANAGE, phase=2, spare=True),
    "api.task_rows_delete_all": _with(MANAGE, phase=2.5),
    "api.predictions_list_predictions": _with(TASK_MANAGE, query="task={task_id}"),
    "api.predictions_create": _with(TASK_MANAGE, json={"task": "{task_id}", "result": []}),
    "api.predictions_read": TASK_MANAGE,
    "api.predictions_update": _with(TASK_MANAGE, json={}),
    "api.predictions_delete": _with(TASK_MANAGE, phase=2, spare=True),
    "api.exports_list_exports": MANAGE,
    "api.exports_create": _with(MANAGE, json={}),
    "api.exports_read": MANAGE,
    "api.exports_download": MANAGE,
    "api.exports_delete": _with(MANAGE, phase=2),
    "api.storages_list_import": _with(MANAGE, query="project={project_id}"),
    "api.storages_read_import": MANAGE,
    "api.storages_delete_import": _with(MANAGE, phase=2, spare=True),
    "api.storages_validate_import": _with(MANAGE, json=PROJECT_JSON),
    "api.storages_validate_export": _with(MANAGE, json=PROJECT_JSON),
    "api.storages_list_export": _with(MANAGE, query="project={project_id}"),
    "api.storages_create_export": _with(MANAGE, json=PROJECT_JSON),
    "api.storages_read_export": _with(MANAGE, target=True),
    "api.storages_delete_export": _with(MANAGE, phase=2, target=True),
    "api.storages_sync_export": _with(MANAGE, target=True),
}


def base_endpoint(endpoint: str) -> str:
    return endpoint.removesuffix(SLASH) if endpoint.startswith("api.") else endpoint


@dataclass(frozen=True)
class Call:
    endpoint: str
    method: str
    path: str
    entry: Entry

    @property
    def order(self) -> float:
        return 0 if self.method == "GET" and self.entry.phase < 3 else self.entry.phase


def calls(app, ids: dict[str, int]) -> list[Call]:
    """One call per base rule and method, reads first and the project's deletion last."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint != base_endpoint(rule.endpoint):
            continue
        entry = ROUTES[rule.endpoint]
        prefix = "spare_" if entry.spare else "target_" if entry.target else ""
        values = {arg: ids.get(f"{prefix}{arg}", ids[arg]) for arg in rule.arguments}
        path = adapter.build(rule.endpoint, values)
        if entry.query:
            path += "?" + entry.query.format(**ids)
        found += [Call(rule.endpoint, m, path, entry) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda c: c.order)


def _formatted(value, ids: dict[str, int]):
    if isinstance(value, dict):
        return {k: _formatted(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def answer(client, call: Call, token: str, ids: dict[str, int]) -> str:
    """The letter the response stands for (a 5xx answers its status and body: never expected)."""
    options = {"method": call.method, "headers": {"X-CSRFToken": token}}
    if call.method != "GET":
        if call.entry.json is not None:
            options["json"] = _formatted(call.entry.json, ids)
        else:
            options["data"] = {"csrf_token": token}
    response = client.open(call.path, **options)
    status = response.status_code
    if status >= 500:
        return f"{status}: {response.get_data(as_text=True)[:300]}"
    if status == 401 or (300 <= status < 400 and _asks_to_log_in(response.location)):
        return "L"
    if status == 403:
        return "F"
    if status == 404 and _gate_body(response):
        return "N"
    return "A"


def _asks_to_log_in(location: str) -> bool:
    """Flask-Login's redirect carries next=; logging out also lands on /login, without."""
    url = urlsplit(location)
    return url.path == "/login" and "next=" in url.query


def _gate_body(response) -> bool:
    if response.is_json:
        return response.get_json().get("detail") == NOT_FOUND
    return f"<p>{NOT_FOUND}</p>" in response.get_data(as_text=True)


def test_every_route_has_an_entry(app):
    """A rule registered without an entry in ROUTES fails here (issue 13 point 1)."""
    endpoints = {base_endpoint(rule.endpoint) for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(ROUTES)) == []
    assert sorted(set(ROUTES) - endpoints) == []  # no entry outlives its route


def test_slash_rules_share_their_view(app):
    """`rule/` is the same view and methods as `rule`, so one request covers both."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint, rule in rules.items():
        if endpoint != base_endpoint(endpoint):
            base = rules[base_endpoint(endpoint)]
            assert app.view_functions[endpoint] is app.view_functions[base.endpoint]
            assert rule.methods == base.methods and rule.rule == base.rule + "/"


@pytest.mark.parametrize("distribution", list(Distribution))
@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(app, client, session, factory, role, distribution):
    """Issue 13 point 1: each role gets the expected answer class on every route."""
    world = build_world(session, factory, distribution)
    user = world.users.get(role, world.users[Role.MANAGER])  # anonymous: any tab will do
    ids = world.ids | {"tab_id": tab_of(session, world.project, user), "filename": STATIC_FILE}
    if role is Role.ANONYMOUS:
        token = csrf_token(client, "/login")
    else:
        login(client, user)
        token = csrf_token(client, "/")
    wrong = {}
    for call in calls(app, ids):
        expected = call.entry.expected(distribution)[ROLES.index(role)]
        got = answer(client, call, token, ids)
        if got != expected:
            wrong[f"{call.method} {call.path} ({call.endpoint})"] = f"expected {expected}, got {got}"
    assert wrong == {}
