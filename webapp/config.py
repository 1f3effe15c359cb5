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
    # SQLite: how long a writer waits for the write lock before its request is retried once.
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("QUORUM_SQLITE_BUSY_TIMEOUT_MS", "10000"))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 512 * 1024 * 1024
    SCHEDULER_ENABLED = os.environ.get("QUORUM_SCHEDULER", "1") == "1"
    IMPORT_BATCH_SIZE = 5000
    TASKS_PAGE_SIZE = 100
    JSON_SORT_KEYS = False
    # Outbound requests (webhooks, ML backends): private and loopback addresses are refused
    # unless allowed here (see webapp/integrations/http_policy.py).
    QUORUM_ALLOW_PRIVATE_NETWORKS = os.environ.get("QUORUM_ALLOW_PRIVATE_NETWORKS", "0")
    QUORUM_OUTBOUND_ALLOWLIST = os.environ.get("QUORUM_OUTBOUND_ALLOWLIST", "")
    QUORUM_OUTBOUND_TIMEOUT = float(os.environ.get("QUORUM_OUTBOUND_TIMEOUT", "10"))
    # Local-directory storage reads only below this folder; unset turns it off.
    QUORUM_LOCAL_FILES_ROOT = os.environ.get("QUORUM_LOCAL_FILES_ROOT", "")
    # An S3 storage without its own keys would use the server's AWS credentials (environment,
    # ~/.aws, instance role), and so reach every bucket the server can: refused unless a
    # single-tenant operator turns this on (see webapp/io/storage/s3.py).
    QUORUM_S3_SERVER_CREDENTIALS = os.environ.get("QUORUM_S3_SERVER_CREDENTIALS", "0")


class TestConfig(Config):
    TESTING = True
    SCHEDULER_ENABLED = False
    # A file, not ":memory:", so a live server thread in browser tests shares the data.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{Path(tempfile.gettempdir()) / f'quorum-test-{os.getpid()}.sqlite3'}"
    )
    WTF_CSRF_ENABLED = True
    SECRET_KEY = "test-secret"
