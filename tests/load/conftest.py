"""Fixtures for the database-fault tests (issue 13 point 7): apps on a store chosen by the
test (SQLite file, private PostgreSQL database) and a logged-in browser-like client."""
from __future__ import annotations

import os
import re

import pytest
import requests
from flask import g

from tests.conftest import drop_postgres_database, private_postgres_database
from tests.factories import PASSWORD
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
if not POSTGRES_URL.startswith("postgresql"):
    POSTGRES_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"  # always there, here and in CI


def app_on(url: str, **settings):
    """An app with its own engine on `url`, the schema created; yields it in a context."""
    app = create_app(type("StoreConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, **settings}))

    @app.before_request
    def _forget_cached_user():
        g.pop("_login_user", None)  # the test's app context outlives each request (see tests/conftest.py)

    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path):
    """A SQLite-file app, whatever DATABASE_URL says: these tests are about SQLite's lock."""
    yield from app_on(f"sqlite:///{tmp_path / 'quorum.sqlite3'}", PROPAGATE_EXCEPTIONS=False)


@pytest.fixture
def postgres_url():
    url = private_postgres_database(POSTGRES_URL, "_faults")
    yield url
    drop_postgres_database(url)


class WebClient:
    """A person in a browser: a cookie session and the CSRF token of the last page."""

    def __init__(self, base: str, email: str):
        self.base, self.http = base, requests.Session()
        self.token = self.csrf("/login")
        response = self.http.post(base + "/login", data={"email": email, "password": PASSWORD,
                                                         "csrf_token": self.token}, timeout=60)
        response.raise_for_status()

    def csrf(self, path: str) -> str:
        html = self.http.get(self.base + path, timeout=60).text
        return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(self.base + path, data={**data, "csrf_token": self.token}, timeout=120)
