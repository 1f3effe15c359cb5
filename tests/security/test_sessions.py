"""Issue 13 point 3: cookie flags, server-side revocation, rotating remember cookies, login
throttling, no user enumeration by timing, and `next=` that never leaves the site."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import url_for
from limits import parse

from tests.factories import PASSWORD, csrf_token, login
from webapp.models import OrgRole, UserLogin

SESSION, REMEMBER = "session", "remember_token"
ROOT = Path(__file__).resolve().parents[2]


def _post_login(client, email: str, password: str, **kwargs):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs)


def _logout(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def _client_with(app, name: str, value: str):
    """A fresh browser holding only a copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_cookies_are_samesite_lax_and_httponly__issue_13_point_3(client, factory):
    response = login(client, factory.user())
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in (SESSION, REMEMBER):
        assert "SameSite=Lax" in cookies[name] and "HttpOnly" in cookies[name]


def test_secure_cookies_follow_quorum_secure_cookies__issue_13_point_3():
    """Configuration is read at import, so a fresh interpreter reads the variable."""
    probe = "from webapp.config import Config as C; print(C.SESSION_COOKIE_SECURE, C.REMEMBER_COOKIE_SECURE)"
    for value, expected in (("1", "True True"), ("0", "False False")):
        env = {**os.environ, "QUORUM_SECURE_COOKIES": value}
        result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
        assert result.stdout.strip() == expected


def test_session_cookie_copied_before_logout_is_refused_after__issue_13_point_3(app, client, factory):
    login(client, factory.user())
    thief = _client_with(app, SESSION, client.get_cookie(SESSION).value)
    assert _logged_in(thief)
    _logout(client)
    assert not _logged_in(thief) and not _logged_in(client)


def test_remember_cookie_rotates_per_login_and_dies_on_logout__issue_13_point_3(app, client, factory):
    user = factory.user()
    login(client, user)
    first = client.get_cookie(REMEMBER).value
    assert _logged_in(_client_with(app, REMEMBER, first))
    _logout(client)
    assert not _logged_in(_client_with(app, REMEMBER, first))
    login(client, user)
    second = client.get_cookie(REMEMBER).value
    assert second != first and _logged_in(_client_with(app, REMEMBER, second))


def test_other_browsers_stay_logged_in_after_one_logs_out__issue_13_point_3(app, client, factory):
    user = factory.user()
    laptop = app.test_client()
    login(laptop, user)
    login(client, user)
    _logout(client)
    assert _logged_in(laptop)


def test_password_change_ends_every_login__issue_13_point_3(app, client, factory):
    user = factory.user()
    login(client, user)
    remembered = _client_with(app, REMEMBER, client.get_cookie(REMEMBER).value)
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "--email", user.email, "--password", "a-new-password-9"]
    )
    assert result.exit_code == 0, result.output
    assert not _logged_in(client) and not _logged_in(remembered)
    assert login(app.test_client(), user, "a-new-password-9").status_code == 302


def test_expired_login_is_refused__issue_13_point_3(app, client, factory, session):
    login(client, factory.user())
    session.query(UserLogin).update(
        {UserLogin.created_at: UserLogin.created_at - app.config["REMEMBER_COOKIE_DURATION"] - timedelta(minutes=1)}
    )
    session.commit()
    assert not _logged_in(client)


def test_account_is_throttled_after_failed_logins_even_with_right_password__issue_13_point_3(app, client, factory):
    user, neighbour = factory.user(), factory.user()
    for _ in range(parse(app.config["QUORUM_LOGIN_LIMIT_ACCOUNT"]).amount):
        assert b"Wrong email or password" in _post_login(client, user.email, "wrong-password").data
    refused = _post_login(client, user.email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed logins for this account" in refused.get_data(as_text=True)
    assert not _logged_in(client)
    # Another address cannot log in to that account either; another account still can.
    assert _post_login(app.test_client(), user.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 429
    assert _post_login(client, neighbour.email, PASSWORD).status_code == 302


def test_address_is_throttled_across_accounts__issue_13_point_3(app, client, factory):
    per_account = parse(app.config["QUORUM_LOGIN_LIMIT_ACCOUNT"]).amount
    per_address = parse(app.config["QUORUM_LOGIN_LIMIT_ADDRESS"]).amount
    attacker = {"REMOTE_ADDR": "10.6.6.6"}
    failures = 0
    while failures < per_address:
        victim = factory.user()
        for _ in range(min(per_account - 1, per_address - failures)):
            _post_login(client, victim.email, "wrong-password", environ_base=attacker)
            failures += 1
    fresh = factory.user()
    refused = _post_login(client, fresh.email, PASSWORD, environ_base=attacker)
    assert refused.status_code == 429
    assert "Too many failed logins from your network address" in refused.get_data(as_text=True)
    assert _post_login(app.test_client(), fresh.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.7.7.7"}).status_code == 302


def _login_time(client, email: str) -> float:
    token = csrf_token(client)
    started = time.perf_counter()
    client.post("/login", data={"email": email, "password": "wrong-password", "csrf_token": token})
    return time.perf_counter() - started


def test_unknown_email_answers_as_slowly_as_a_wrong_password__issue_13_point_3(app, client, factory, monkeypatch):
    monkeypatch.setitem(app.config, "QUORUM_LOGIN_LIMIT_ACCOUNT", "1000 per minute")
    monkeypatch.setitem(app.config, "QUORUM_LOGIN_LIMIT_ADDRESS", "1000 per minute")
    emails = {"known": factory.user().email, "unknown": "nobody-here@example.org"}
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for email in emails.values():
        _login_time(client, email)  # warm-up: first-use costs are not the answer
    for _ in range(9):  # interleaved, so a burst of load on the machine hits both alike
        for kind, email in emails.items():
            times[kind].append(_login_time(client, email))
    known, unknown = statistics.median(times["known"]), statistics.median(times["unknown"])
    assert known / 2 < unknown < known * 2


@pytest.mark.parametrize("target", [
    "/\t/evil.example", "//evil", "/\\evil", "\\/evil", "https://evil", "%2F%2Fevil", "/%2F%2Fevil",
    "/%5Cevil", " //evil", "/\n/evil", "http:evil", "javascript:alert(1)", "///evil",
])
def test_next_never_leaves_the_site__issue_13_point_3(app, client, factory, target):
    token = csrf_token(client)
    response = client.post(
        "/login", query_string={"next": target},
        data={"email": factory.user().email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    with app.test_request_context():
        assert response.headers["Location"] == url_for("projects.index")


def test_next_keeps_a_local_path__issue_13_point_3(client, factory):
    token = csrf_token(client)
    response = client.post(
        "/login", query_string={"next": "/projects/?page=2"},
        data={"email": factory.user().email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/projects/?page=2"


@pytest.mark.parametrize("hops, expected", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_forwarded_address_is_trusted_only_behind_configured_proxies__issue_13_point_3(hops, expected):
    """Per-address throttling needs the client's address behind a proxy, and must not let a
    client pick its own address when no proxy is configured."""
    from flask import Flask, request

    from webapp import _trust_proxies

    probe = Flask("probe")
    probe.config["QUORUM_TRUSTED_PROXIES"] = hops
    probe.add_url_rule("/", view_func=lambda: request.remote_addr)
    _trust_proxies(probe)
    answer = probe.test_client().get("/", headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.get_data(as_text=True) == expected
