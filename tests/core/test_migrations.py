"""The schema comes only from migrations, and they match the models exactly."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import drop_postgres_database, private_postgres_database
from webapp import create_app
from webapp.config import TestConfig
from webapp.data_manager.search_index import include_object
from webapp.extensions import db


def _fresh_database_url(tmp_path) -> str:
    url = TestConfig.SQLALCHEMY_DATABASE_URI
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    return private_postgres_database(url, "_migrations")


def test_migrations_build_the_models_schema_and_go_back_down(tmp_path):
    url = _fresh_database_url(tmp_path)
    config = type("MigrationConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": include_object})
            diffs = compare_metadata(context, db.metadata)
        assert diffs == [], f"models and migrations differ: {diffs}"
        downgrade(revision="base")
        db.engine.dispose()
    if url.startswith("postgresql"):
        drop_postgres_database(url)
