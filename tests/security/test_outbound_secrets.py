"""Issue 13 point 5: credentials never leave their host. Two local servers on 127.0.0.1
(different ports, so different origins; loopback is allowed by the test's outbound policy as
in the integration tests): the first redirects, the second records what reached it. The model
token, the LLM key, basic auth, a webhook's signature and custom headers never reach the
second host; a request body (it may hold a proxy password) is never re-sent there. Moving a
connection to another URL clears its stored secret unless the request sends one again, and a
webhook's signing secret is in no page after creation, except on an owner/admin reveal."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from tests.factories import csrf_token, login
from tests.ml.http_stub import loopback  # noqa: F401 - fixture
from webapp.accounts import get_or_create_workspace
from webapp.integrations.delivery import deliver_pending
from webapp.integrations.http_policy import policy_from_config
from webapp.integrations.webhooks import WebhookSettings, create_webhook, webhook_secret
from webapp.ml import remote
from webapp.ml.remote import RemoteModelError, ml_backend
from webapp.ml.remote import openai_chat as llm_source
from webapp.models import OrgRole, Webhook, WebhookDelivery
from webapp.models.ml import MLModel, ModelKind
from webapp.secret_box import box_from_config

TOKEN, LLM_KEY, PASSWORD = "tok-never-elsewhere", "sk-never-elsewhere", "pw-never-elsewhere"
# One answer that satisfies every client here: /health, /setup and a chat completion.
ANSWER = {"status": "UP", "model_version": "v1", "model": "m",
          "choices": [{"message": {"role": "assistant", "content": "OK"}}]}


class Host:
    """A local HTTP server: records every request; answers ANSWER, or redirects."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.redirect: tuple[int, str] | None = None  # (status, base URL to send the same path to)
        host = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                host.requests.append({"method": self.command, "path": self.path,
                                      "headers": dict(self.headers), "raw": raw})
                if host.redirect:
                    status, base = host.redirect
                    self.send_response(status)
                    self.send_header("Location", base + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = json.dumps(ANSWER).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def leaked(self, *secrets: str) -> list[str]:
        """The secrets found anywhere in what this host received."""
        seen = " ".join(f"{r['headers']} {r['raw']!r} {r['path']}" for r in self.requests)
        return [s for s in secrets if s in seen]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hosts(loopback):  # noqa: F811 - the imported fixture
    first, second = Host(), Host()
    yield first, second
    first.close()
    second.close()


def _model(session, project, kind: ModelKind, url: str, auth: str = "token", secret: str = TOKEN) -> MLModel:
    model = MLModel(project_id=project.id, kind=kind, title="Model", url=url, auth_method=auth,
                    basic_auth_user="bot" if auth == "basic" else "", extra_params={"model": "m"})
    remote.store_secret(model, secret)
    session.add(model)
    session.commit()
    return model


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("auth", ["token", "basic"])
def test_model_credentials_do_not_follow_a_redirect_to_another_host__issue_13_point_5(
        session, factory, hosts, status, auth):
    first, second = hosts
    first.redirect = (status, second.url)
    model = _model(session, factory.project(), ModelKind.ML_BACKEND, first.url, auth)
    ml_backend.health(model)  # a GET: followed, without credentials
    assert [r["path"] for r in second.requests] == ["/health"]
    assert "Authorization" not in second.requests[0]["headers"] and second.leaked(TOKEN) == []
    assert first.requests[0]["headers"]["Authorization"]  # the model's own host got them


@pytest.mark.parametrize("status", [307, 308])
def test_a_body_is_not_resent_to_another_host__issue_13_point_5(session, factory, hosts, status):
    """/setup and /predict bodies may carry the project's proxy password."""
    first, second = hosts
    first.redirect = (status, second.url)
    project = factory.project()
    model = _model(session, project, ModelKind.ML_BACKEND, first.url)
    with pytest.raises(RemoteModelError, match="redirected to another host"):
        ml_backend.setup(model, project)
    assert second.requests == []


@pytest.mark.parametrize("status", [302, 307])
def test_llm_key_never_reaches_the_second_host__issue_13_point_5(session, factory, hosts, status):
    first, second = hosts
    first.redirect = (status, second.url)
    project = factory.project()
    model = _model(session, project, ModelKind.OPENAI_CHAT, first.url + "/v1", secret=LLM_KEY)
    try:
        llm_source.connect_check(model, project)
    except RemoteModelError:
        pass  # 307: refused; 302: followed as a GET, whose answer is no chat completion or is
    assert second.leaked(LLM_KEY) == [] and all("Authorization" not in r["headers"] for r in second.requests)
    assert first.leaked(LLM_KEY) == [LLM_KEY]


def test_same_origin_redirect_keeps_credentials__issue_13_point_5(session, factory, hosts):
    first, _ = hosts
    model = _model(session, factory.project(), ModelKind.ML_BACKEND, first.url + "/old")
    first.redirect = (307, first.url + "/new")
    with pytest.raises(RemoteModelError, match="redirects"):  # it loops on itself: bounded
        ml_backend.health(model)
    assert all(r["headers"].get("Authorization") == f"Token {TOKEN}" for r in first.requests)


@pytest.mark.parametrize("status", [302, 307])
def test_webhook_signature_and_headers_never_reach_the_second_host__issue_13_point_5(
        app, session, factory, hosts, status):
    first, second = hosts
    first.redirect = (status, second.url)
    project = factory.project()
    policy, box = policy_from_config(app.config), box_from_config(app.config)
    webhook = create_webhook(session, project, WebhookSettings(
        url=first.url + "/hook", headers={"Authorization": f"Bearer {TOKEN}"}), policy, box)
    session.add(WebhookDelivery(webhook_id=webhook.id, uid="u-1", action="TASKS_CREATED", payload={"x": 1}))
    session.commit()
    deliver_pending(session, policy, box)
    signature = first.requests[0]["headers"]["X-Quorum-Signature"]
    assert signature and second.leaked(TOKEN, signature, webhook_secret(webhook, box)) == []
    assert all("X-Quorum-Signature" not in r["headers"] for r in second.requests)
    assert second.requests == [] if status == 307 else [r["method"] for r in second.requests] == ["GET"]


def _api(client, user, method: str, url: str, body: dict):
    return client.open(url, method=method, json=body, headers={"Authorization": f"Token {user.api_token}"})


@pytest.mark.parametrize("kind", [ModelKind.ML_BACKEND, ModelKind.OPENAI_CHAT])
def test_api_url_change_clears_the_stored_secret__issue_13_point_5(client, session, factory, hosts, kind):
    first, second = hosts
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    model = _model(session, project, kind, first.url)
    moved = _api(client, manager, "PATCH", f"/api/ml/{model.id}", {"url": second.url})
    assert moved.status_code == 400 and "The URL changed" in moved.json["detail"]
    assert second.requests == []
    session.expire_all()
    assert session.get(MLModel, model.id).url == first.url  # nothing half-saved
    resent = _api(client, manager, "PATCH", f"/api/ml/{model.id}", {"url": second.url, "auth_secret": "new-key"})
    assert resent.status_code == 200, resent.json
    assert second.leaked(TOKEN) == [] and second.leaked("new-key") == ["new-key"]


def test_form_url_change_clears_the_stored_secret__issue_13_point_5(client, session, factory, hosts):
    first, second = hosts
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    model = _model(session, project, ModelKind.ML_BACKEND, first.url)
    login(client, manager)
    form = {"csrf_token": csrf_token(client, "/"), "kind": "ml_backend", "title": "Model", "url": second.url,
            "auth_method": "token", "auth_secret": "", "is_active": "y"}
    edit = f"/projects/{project.id}/settings/model/connections/{model.id}/edit"
    refused = client.post(edit, data=form, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "The URL changed" in refused.get_data(as_text=True)
    assert second.requests == []
    saved = client.post(edit, data={**form, "auth_secret": "new-key"}, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and second.leaked(TOKEN) == [] and second.leaked("new-key") == ["new-key"]


def _webhooks_page(client, project) -> str:
    return client.get(f"/projects/{project.id}/settings/webhooks").get_data(as_text=True)


def test_webhook_secret_shown_once_then_only_on_admin_reveal__issue_13_point_5(
        app, client, session, factory, hosts):
    first, second = hosts
    manager = factory.user(OrgRole.MANAGER)
    workspace = get_or_create_workspace(session, manager.organization_id, "Team")  # shared: admins see it
    project = factory.project(owner=manager, workspace_id=workspace.id)
    login(client, manager)
    base = f"/projects/{project.id}/settings/webhooks"
    created = client.post(base, data={"csrf_token": csrf_token(client, "/"), "url": first.url,
                                      "send_for_all_actions": "y", "is_active": "y"})
    webhook = session.scalar(select(Webhook).where(Webhook.project_id == project.id))
    secret = webhook_secret(webhook, box_from_config(app.config))
    assert created.status_code == 200 and secret in created.get_data(as_text=True)  # once, at creation
    assert secret not in _webhooks_page(client, project)
    assert client.post(f"{base}/{webhook.id}/reveal", data={"csrf_token": csrf_token(client, "/")}).status_code == 403

    for role in (OrgRole.ADMINISTRATOR, OrgRole.OWNER):
        login(client, factory.user(role))
        assert secret not in _webhooks_page(client, project)
        revealed = client.post(f"{base}/{webhook.id}/reveal", data={"csrf_token": csrf_token(client, "/")})
        assert revealed.status_code == 200 and secret in revealed.get_data(as_text=True)

    api = {"Authorization": f"Token {manager.api_token}"}
    for answer in (client.get(f"/api/webhooks?project={project.id}", headers=api),
                   client.get(f"/api/webhooks/{webhook.id}", headers=api)):
        assert answer.status_code == 200 and secret not in answer.get_data(as_text=True)


def test_webhook_url_change_replaces_its_secret__issue_13_point_5(app, client, session, factory, hosts):
    first, second = hosts
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    created = _api(client, manager, "POST", "/api/webhooks", {"project": project.id, "url": first.url})
    old = created.json["secret"]
    moved = _api(client, manager, "PATCH", f"/api/webhooks/{created.json['id']}", {"url": second.url})
    assert moved.status_code == 200 and moved.json["secret"] != old and "URL changed" in moved.json["detail"]
    kept = _api(client, manager, "PATCH", f"/api/webhooks/{created.json['id']}", {"is_active": False})
    assert "secret" not in kept.json
    given = _api(client, manager, "PATCH", f"/api/webhooks/{created.json['id']}",
                 {"url": first.url, "secret": "chosen-secret"})
    assert "secret" not in given.json
    session.expire_all()
    assert webhook_secret(session.get(Webhook, created.json["id"]), box_from_config(app.config)) == "chosen-secret"

    login(client, manager)
    form = {"csrf_token": csrf_token(client, "/"), "url": second.url, "send_for_all_actions": "y", "is_active": "y"}
    edited = client.post(f"/projects/{project.id}/settings/webhooks/{created.json['id']}", data=form)
    session.expire_all()
    fresh = webhook_secret(session.get(Webhook, created.json["id"]), box_from_config(app.config))
    html = edited.get_data(as_text=True)
    assert fresh != "chosen-secret" and fresh in html and "new signing secret" in html
