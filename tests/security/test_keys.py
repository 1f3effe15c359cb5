"""Issue 13 point 5: keys. The app refuses to start with a forgeable SECRET_KEY or no
encryption key; `make run` generates both into instance/; stored secrets use their own key
list (MultiFernet), older ciphertexts stay readable, and `flask secrets rotate` moves every
encrypted column to the first key so the old keys can be dropped."""
from __future__ import annotations

import stat

import pytest
from cryptography.fernet import Fernet

from webapp import config as config_module
from webapp import create_app
from webapp.config import Config
from webapp.instance_keys import (
    DEV_SECRET_KEY, ENCRYPTION_KEYS_FILE, SECRET_KEY_FILE, WeakKeyError, check_keys, ensure_instance_keys,
    read_instance_value,
)
from webapp.models import MLModel, OrgRole, Project, Storage, Webhook
from webapp.models.ml import ModelKind
from webapp.secret_box import SecretBox, SecretError, generate_key, legacy_key

STRONG = "s" * 40


def _production(**settings) -> type[Config]:
    """A non-debug, non-testing config: what `gunicorn wsgi:app` would run with."""
    values = {"TESTING": False, "DEBUG": False, "SCHEDULER_ENABLED": False, "SECRET_KEY": STRONG,
              "QUORUM_ENCRYPTION_KEYS": generate_key(), **settings}
    return type("ProductionLike", (Config,), values)


@pytest.mark.parametrize("secret_key", [DEV_SECRET_KEY, "short-but-not-empty", ""])
def test_refuses_to_start_with_a_weak_secret_key__issue_13_point_5(secret_key):
    with pytest.raises(WeakKeyError, match="SECRET_KEY"):
        create_app(_production(SECRET_KEY=secret_key))


def test_refuses_to_start_without_encryption_keys__issue_13_point_5():
    with pytest.raises(WeakKeyError, match="QUORUM_ENCRYPTION_KEYS"):
        create_app(_production(QUORUM_ENCRYPTION_KEYS=""))
    with pytest.raises(WeakKeyError, match="not a Fernet key"):
        create_app(_production(QUORUM_ENCRYPTION_KEYS="not-a-key"))


def test_debug_and_testing_may_use_the_development_key__issue_13_point_5():
    check_keys({"DEBUG": True, "SECRET_KEY": DEV_SECRET_KEY})
    check_keys({"TESTING": True, "SECRET_KEY": "test-secret"})
    check_keys({"SECRET_KEY": STRONG, "QUORUM_ENCRYPTION_KEYS": f"{generate_key()},{generate_key()}"})


def test_instance_keys_generated_once_owner_only_and_read_by_config__issue_13_point_5(tmp_path, monkeypatch):
    written = ensure_instance_keys(tmp_path)
    assert sorted(p.name for p in written) == sorted([SECRET_KEY_FILE, ENCRYPTION_KEYS_FILE])
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret_key = read_instance_value(tmp_path, SECRET_KEY_FILE)
    encryption_key = read_instance_value(tmp_path, ENCRYPTION_KEYS_FILE)
    assert len(secret_key) >= 32 and Fernet(encryption_key)
    assert ensure_instance_keys(tmp_path) == []  # later starts keep the same keys
    assert read_instance_value(tmp_path, SECRET_KEY_FILE) == secret_key
    check_keys({"SECRET_KEY": secret_key, "QUORUM_ENCRYPTION_KEYS": encryption_key})

    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert config_module._key_setting("SECRET_KEY", SECRET_KEY_FILE) == secret_key
    monkeypatch.setenv("SECRET_KEY", STRONG)  # the environment wins over the file
    assert config_module._key_setting("SECRET_KEY", SECRET_KEY_FILE) == STRONG


def test_first_key_encrypts_any_key_and_the_legacy_key_decrypt__issue_13_point_5():
    old, new = generate_key(), generate_key()
    from_old = SecretBox((old,)).encrypt("pw-old")
    from_legacy = Fernet(legacy_key("the-old-secret-key")).encrypt(b"pw-legacy").decode()
    box = SecretBox((new, old), legacy_secret_key="the-old-secret-key")
    assert box.decrypt(from_old) == "pw-old" and box.decrypt(from_legacy) == "pw-legacy"
    fresh = box.encrypt("pw-new")
    assert SecretBox((new,)).decrypt(fresh) == "pw-new"
    with pytest.raises(SecretError):
        SecretBox((old,)).decrypt(fresh)


def _encrypted_rows(session, factory, box_old: SecretBox, legacy: str) -> dict:
    """One secret in every encrypted column, half under an old key, half legacy."""
    project = factory.project(owner=factory.user(OrgRole.MANAGER))
    under_legacy = Fernet(legacy_key(legacy))
    rows = {
        "webhook": Webhook(project_id=project.id, url="https://example.org/h", secret_encrypted=box_old.encrypt("wh")),
        "model": MLModel(project_id=project.id, kind=ModelKind.ML_BACKEND, title="m", url="https://example.org",
                         auth_method="token", auth_secret_encrypted=under_legacy.encrypt(b"tok").decode()),
        "storage": Storage(project_id=project.id, role="source", kind="redis", params={},
                           secret_encrypted=box_old.encrypt("redis-pw")),
    }
    session.add_all(rows.values())
    project.proxy_password_encrypted = under_legacy.encrypt(b"proxy-pw").decode()
    session.commit()
    return {**rows, "project": project}


def test_flask_secrets_rotate_reencrypts_every_column_then_old_keys_can_go__issue_13_point_5(
        app, session, factory, monkeypatch):
    old, new = generate_key(), generate_key()
    rows = _encrypted_rows(session, factory, SecretBox((old,)), legacy=app.config["SECRET_KEY"])
    monkeypatch.setitem(app.config, "QUORUM_ENCRYPTION_KEYS", f"{new},{old}")

    result = app.test_cli_runner().invoke(args=["secrets", "rotate", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    for table in ("webhook: 1 re-encrypted", "ml_model: 1 re-encrypted", "storage: 1 re-encrypted",
                  "project: 1 re-encrypted"):
        assert table in result.output
    again = app.test_cli_runner().invoke(args=["secrets", "rotate"])
    assert "webhook: 0 re-encrypted, 1 already current" in again.output

    session.expire_all()
    only_new = SecretBox((new,))  # the old key and the SECRET_KEY-derived one dropped
    assert only_new.decrypt(session.get(Webhook, rows["webhook"].id).secret_encrypted) == "wh"
    assert only_new.decrypt(session.get(MLModel, rows["model"].id).auth_secret_encrypted) == "tok"
    assert only_new.decrypt(session.get(Storage, rows["storage"].id).secret_encrypted) == "redis-pw"
    assert only_new.decrypt(session.get(Project, rows["project"].id).proxy_password_encrypted) == "proxy-pw"


def test_rotate_reports_secrets_no_key_opens__issue_13_point_5(app, session, factory, monkeypatch):
    _encrypted_rows(session, factory, SecretBox((generate_key(),)), legacy=app.config["SECRET_KEY"])
    monkeypatch.setitem(app.config, "QUORUM_ENCRYPTION_KEYS", generate_key())
    result = app.test_cli_runner().invoke(args=["secrets", "rotate"])
    assert result.exit_code != 0
    assert "webhook: 0 re-encrypted, 0 already current, 1 unreadable" in result.output
    assert "must be entered again" in result.output
