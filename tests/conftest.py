"""Fixtures: one app per test session on DATABASE_URL (SQLite in memory by default)."""
from __future__ import annotations

import os

import pytest
from flask import g
from sqlalchemy import create_engine, make_url, text

from tests.factories import Factory
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db, limiter


def private_postgres_database(url: str, purpose: str = "") -> str:
    """A database of this test process's own, so concurrent runs never share tables."""
    base = make_url(url)
    name = f"{base.database}{purpose}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def app():
    config = TestConfig
    if TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        config = type("PrivateTestConfig", (TestConfig,), {
            "SQLALCHEMY_DATABASE_URI": private_postgres_database(TestConfig.SQLALCHEMY_DATABASE_URI)
        })
    app = create_app(config)

    def _fresh_request_globals():
        # Tests hold one app context across requests, so `g` (Flask-Login's cached user,
        # Flask-WTF's CSRF token, request flags) would leak from one request or client to
        # the next; a served request always starts with an empty one. Runs before any hook.
        for key in list(g):
            g.pop(key)

    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)

    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    if config is not TestConfig:
        drop_postgres_database(config.SQLALCHEMY_DATABASE_URI)


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
    limiter.reset()  # one app per test session: failed-login counters must not carry over
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
