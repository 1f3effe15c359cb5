"""Quorum: NLP autolabeling with quality assurance. Application factory."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.config import INSTANCE_DIR, Config
from webapp.dbutil import WRITE_TRANSACTION_OPTION
from webapp.instance_keys import check_keys
from webapp.security_headers import init_security_headers


def create_app(config: type[Config] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config or Config)
    check_keys(app.config)  # before anything serves or runs: no forgeable sessions
    INSTANCE_DIR.mkdir(exist_ok=True)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_template_filters(app)
    init_security_headers(app)
    _install_event_listeners()
    if app.config["SCHEDULER_ENABLED"]:
        from webapp.jobs import start_scheduler_when_serving

        start_scheduler_when_serving(app)
    return app


def _init_extensions(app: Flask) -> None:
    from webapp import auth_loader  # noqa: F401 - registers the user loaders
    from webapp.data_manager.search_index import include_object
    from webapp.extensions import csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    # The search index (FTS5 table, tsvector column) is made by its migration, not the models.
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), include_object=include_object)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from webapp.views import api, auth, dashboard, data_manager, errors, exports, imports, my_work, projects, quality, review, settings, stream

    for module in (auth, projects, data_manager, dashboard, imports, exports, stream, review, my_work, quality, errors):
        app.register_blueprint(module.bp)
    settings.register(app)
    api.register(app)


def _install_event_listeners() -> None:
    from webapp import hooks
    from webapp.event_registry import LISTENERS

    hooks.install(LISTENERS)  # one ordered registry, not import order (issue 14 point 2)


def _register_template_filters(app: Flask) -> None:
    from webapp.labeling import sanitize_html

    # User HTML (instructions, HyperText) is rendered only through this filter.
    app.add_template_filter(sanitize_html, "sanitize_html")


def _register_cli(app: Flask) -> None:
    from webapp.cli import secrets_cli, seed_cli, users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(secrets_cli)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers run beside the writer; foreign keys make cascades real."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Let SQLAlchemy emit BEGIN itself, so a write transaction can BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL's recommended level: commits no longer fsync; a power cut may lose the last
    # transactions but never corrupts the database.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    immediate = conn.get_execution_options().get(WRITE_TRANSACTION_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
