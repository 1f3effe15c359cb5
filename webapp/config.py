"""Configuration read from the environment (12-factor): DATABASE_URL, SECRET_KEY,
QUORUM_ENCRYPTION_KEYS. The two keys fall back to files in instance/ that `make run`
generates (webapp/instance_keys.py); outside debug and testing the app refuses to start
without strong ones."""
from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from enum import Enum
from pathlib import Path

from webapp.instance_keys import ENCRYPTION_KEYS_FILE, SECRET_KEY_FILE, read_instance_value

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _key_setting(name: str, file_name: str) -> str:
    return os.environ.get(name) or read_instance_value(INSTANCE_DIR, file_name)


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'quorum.sqlite3'}"


class BackgroundMode(str, Enum):
    """Where background and scheduled jobs run (webapp/jobs.py)."""

    INPROCESS = "inprocess"  # in every serving process: `make run`, one machine
    WORKER = "worker"  # only in `flask worker` processes; web processes only enqueue (production)


class Config:
    SECRET_KEY = _key_setting("SECRET_KEY", SECRET_KEY_FILE)
    # Stored secrets' keys (comma separated Fernet keys; the first encrypts, any decrypts),
    # and the SECRET_KEY that secrets written before this list were encrypted with, when
    # SECRET_KEY has since been replaced (see webapp/secret_box.py).
    QUORUM_ENCRYPTION_KEYS = _key_setting("QUORUM_ENCRYPTION_KEYS", ENCRYPTION_KEYS_FILE)
    QUORUM_LEGACY_SECRET_KEY = os.environ.get("QUORUM_LEGACY_SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # SQLite: how long a writer waits for the write lock before its request is retried once.
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("QUORUM_SQLITE_BUSY_TIMEOUT_MS", "10000"))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Cookies (issue 13): no cross-site sends, no script access, HTTPS-only when served over it.
    SESSION_COOKIE_SAMESITE = REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = os.environ.get("QUORUM_SECURE_COOKIES", "0") == "1"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none),
    # so login throttling sees the client's address and HSTS the original scheme.
    QUORUM_TRUSTED_PROXIES = int(os.environ.get("QUORUM_TRUSTED_PROXIES", "0"))
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # also how long a login row lives
    # Failed logins allowed per account and per client address (webapp/views/auth.py);
    # counters in Redis when set, so every worker shares them.
    QUORUM_LOGIN_LIMIT_ACCOUNT = os.environ.get("QUORUM_LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes")
    QUORUM_LOGIN_LIMIT_ADDRESS = os.environ.get("QUORUM_LOGIN_LIMIT_ADDRESS", "20 per 15 minutes")
    RATELIMIT_STORAGE_URI = (
        os.environ.get("QUORUM_RATELIMIT_STORAGE_URI") or os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    )
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: count per process, still answer
    # Request bodies (issue 13 point 6): imports may be large, every other route is small
    # (webapp/request_limits.py picks the limit per view); JSON deeper than this is refused.
    QUORUM_MAX_IMPORT_BYTES = int(os.environ.get("QUORUM_MAX_IMPORT_BYTES", 200 * 1024 * 1024))
    QUORUM_MAX_BODY_BYTES = int(os.environ.get("QUORUM_MAX_BODY_BYTES", 1024 * 1024))
    QUORUM_MAX_JSON_DEPTH = int(os.environ.get("QUORUM_MAX_JSON_DEPTH", 64))
    SCHEDULER_ENABLED = os.environ.get("QUORUM_SCHEDULER", "1") == "1"
    QUORUM_BACKGROUND = BackgroundMode(os.environ.get("QUORUM_BACKGROUND", BackgroundMode.INPROCESS.value))
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
    RATELIMIT_STORAGE_URI = "memory://"  # reset between tests (tests/conftest.py)
    SECRET_KEY = "test-secret"
    # A fixed key, so a clean clone (CI) needs no instance/ files.
    QUORUM_ENCRYPTION_KEYS = "k0Ifn-FVgK6QYlGhHgoZFkAqzvjYn5nKtgTJJRB2kdY="
