"""Quorum: NLP autolabeling with quality assurance. Application factory."""
from __future__ import annotations

from flask import Flask

from webapp import request_limits
from webapp.config import INSTANCE_DIR, Config
from webapp.db_retry import RetryingFlask
from webapp.instance_keys import check_keys
from webapp.security_headers import init_security_headers


def create_app(config: type[Config] | None = None) -> Flask:
    app = RetryingFlask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config or Config)
    check_keys(app.config)  # before anything serves or runs: no forgeable sessions
    INSTANCE_DIR.mkdir(exist_ok=True)
    _init_extensions(app)
    request_limits.init_app(app)  # body size per route, JSON depth (issue 13 point 6)
    _register_blueprints(app)
    _register_cli(app)
    _register_template_filters(app)
    init_security_headers(app)
    _trust_proxies(app)
    _install_event_listeners()
    if app.config["SCHEDULER_ENABLED"]:
        from webapp.jobs import start_scheduler_when_serving

        start_scheduler_when_serving(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind N proxies, take the client address and scheme from their X-Forwarded headers;
    never by default, or any client could choose its own address."""
    hops = app.config["QUORUM_TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)


def _init_extensions(app: Flask) -> None:
    from webapp import auth_loader  # noqa: F401 - registers the user loaders
    from webapp import db_engine
    from webapp.data_manager.search_index import include_object
    from webapp.extensions import csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        db_engine.register(app, db.engine)
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
    from webapp.cli import secrets_cli, seed_cli, users_cli, worker_command

    app.cli.add_command(worker_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(secrets_cli)
