"""Fixtures: one app per test session on DATABASE_URL (SQLite in memory by default)."""
from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import text

from tests.factories import Factory
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)

    @app.before_request
    def _forget_cached_user():
        # Tests hold one app context across requests, so Flask-Login's per-context
        # cache of the user would leak from one request (or client) to the next.
        g.pop("_login_user", None)

    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()


def _empty_all_tables() -> None:
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def session(app):
    """The app's scoped session in a fresh app context; every table emptied after."""
    with app.app_context():
        yield db.session
        _empty_all_tables()
        db.session.remove()


@pytest.fixture
def factory(session) -> Factory:
    return Factory(session)


@pytest.fixture
def client(app, session):
    return app.test_client()
