"""Issue 13 point 4: security headers on every kind of response, and templates the
Content-Security-Policy can serve unchanged (no inline script or style).

The browser half (every page loads with zero CSP violations, XSS payloads stay inert) is
in tests/e2e/test_csp_pages.py and tests/e2e/test_xss_payloads.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import csrf_token, login
from webapp import create_app
from webapp.config import TestConfig
from webapp.models import OrgRole

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
CSP_DIRECTIVES = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self' data:", "connect-src": "'self'", "object-src": "'none'",
    "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
}


def _csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split(None, 1) for part in policy.split(";") if part.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


def _assert_hardened(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    assert _csp(response) == CSP_DIRECTIVES, response.status_code
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


@pytest.fixture
def manager_client(client, factory):
    manager = factory.user(OrgRole.MANAGER)
    login(client, manager)
    return client, factory.project(owner=manager)


def test_every_route_class_gets_the_headers__issue_13_point_4(manager_client) -> None:
    """A page, an htmx partial, an API answer, an HTML and a JSON 404, a static file."""
    client, project = manager_client
    answers = {
        "page": client.get(f"/projects/{project.id}"),
        "partial": client.get(f"/projects/{project.id}/dashboard/quality", headers={"HX-Request": "true"}),
        "api": client.get(f"/api/projects/{project.id}"),
        "html 404": client.get("/no-such-page"),
        "api 404": client.get("/api/projects/999999"),
        "static": client.get("/static/css/app.css"),
    }
    expected_status = {"page": 200, "partial": 200, "api": 200, "html 404": 404, "api 404": 404, "static": 200}
    for kind, response in answers.items():
        assert response.status_code == expected_status[kind], kind
        _assert_hardened(response)
    assert answers["api"].is_json and answers["api 404"].is_json
    answers["static"].close()


def test_an_unhandled_error_gets_the_headers__issue_13_point_4() -> None:
    """The 500 page too: a fresh app (routes cannot be added to the shared one once it has
    served) with a view that raises, and exceptions not propagated as under TESTING."""
    app = create_app(TestConfig)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    _assert_hardened(response)


def test_anonymous_pages_and_refused_forms_get_the_headers__issue_13_point_4(client, session) -> None:
    """The login page (clickjacking a login form) and an error page from a failed CSRF check."""
    _assert_hardened(client.get("/login"))
    refused = client.post("/login", data={"email": "a@example.org", "password": "x"})
    assert refused.status_code == 400
    _assert_hardened(refused)
    assert csrf_token(client)  # the page still works with its own token


def test_hsts_only_over_https__issue_13_point_4(client, session) -> None:
    """Strict-Transport-Security is sent on HTTPS requests only: on plain HTTP it would be
    ignored, and a development server must stay reachable over http://."""
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://quorum.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\s(hx-)?on[a-z:-]*\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_carry_no_inline_style_or_script__issue_13_point_4(template: Path) -> None:
    """The CSP has no 'unsafe-inline': a style attribute, an inline script or an on*
    handler in a template would be refused by the browser (and htmx's hx-on needs eval).
    Scripts come from files; JSON data islands are fine."""
    source = template.read_text()
    assert not INLINE_STYLE.search(source), "style attribute: use a class or a data attribute"
    assert "<style" not in source.lower()
    assert not EVENT_HANDLER.search(source), "on* attribute: put the behaviour in static/js"
    for attributes in SCRIPT_TAG.findall(source):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
