"""Configuration read from the environment (12-factor): DATABASE_URL, SECRET_KEY."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'quorum.sqlite3'}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 512 * 1024 * 1024
    SCHEDULER_ENABLED = os.environ.get("QUORUM_SCHEDULER", "1") == "1"
    IMPORT_BATCH_SIZE = 5000
    TASKS_PAGE_SIZE = 100
    JSON_SORT_KEYS = False


class TestConfig(Config):
    TESTING = True
    SCHEDULER_ENABLED = False
    # A file, not ":memory:", so a live server thread in browser tests shares the data.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{Path(tempfile.gettempdir()) / f'quorum-test-{os.getpid()}.sqlite3'}"
    )
    WTF_CSRF_ENABLED = True
    SECRET_KEY = "test-secret"
