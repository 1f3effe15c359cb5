"""The keys a local install keeps in instance/ (SECRET_KEY, QUORUM_ENCRYPTION_KEYS) when the
environment does not give them, and the start-up check that refuses weak ones.

`main` (run by `make run`) writes each missing file once, readable
by its owner only, so a demo gets strong keys that survive restarts without anyone
choosing them. Config reads the environment first, then these files. No Flask here.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from webapp.secret_box import KEYS_SETTING, SecretBox, SecretError, generate_key, parse_keys

SECRET_KEY_FILE = "secret_key"
ENCRYPTION_KEYS_FILE = "encryption_keys"
DEV_SECRET_KEY = "dev-only-secret-change-me"
MIN_SECRET_KEY_LENGTH = 32


class WeakKeyError(RuntimeError):
    """The app must not start with these keys; str() names the setting to fix."""


def read_instance_value(instance_dir: Path, name: str) -> str:
    path = instance_dir / name
    return path.read_text().strip() if path.is_file() else ""


def _write_private(path: Path, value: str) -> bool:
    """Create `path` with mode 0600 unless it exists; whether it was written."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return True


def fresh_keys() -> dict[str, str]:
    """New strong keys, by setting name: for instance/ files, or a throwaway server's environment."""
    return {"SECRET_KEY": secrets.token_urlsafe(48), KEYS_SETTING: generate_key()}


def ensure_instance_keys(instance_dir: Path) -> list[Path]:
    """Generate the missing key files; answers the paths written."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    keys = fresh_keys()
    wanted = {SECRET_KEY_FILE: keys["SECRET_KEY"], ENCRYPTION_KEYS_FILE: keys[KEYS_SETTING]}
    return [instance_dir / name for name, value in wanted.items() if _write_private(instance_dir / name, value)]


def key_problems(config: Mapping) -> list[str]:
    """Why these keys are unfit for serving real users (empty when they are fine)."""
    problems = []
    secret_key = config.get("SECRET_KEY") or ""
    if secret_key == DEV_SECRET_KEY or len(secret_key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is missing, the development default or shorter than "
                        f"{MIN_SECRET_KEY_LENGTH} characters: anyone could forge a login.")
    keys = parse_keys(config.get(KEYS_SETTING) or "")
    try:
        SecretBox(keys).encrypt("")  # every key must be a Fernet key, and there must be one
    except SecretError as exc:
        problems.append(str(exc))
    return problems


def check_keys(config: Mapping) -> None:
    """Refuse to start outside debug and testing with a weak SECRET_KEY or no encryption key."""
    if config.get("DEBUG") or config.get("TESTING"):
        return
    problems = key_problems(config)
    if problems:
        raise WeakKeyError(" ".join(problems) + " Set them in the environment (see README, "
                           "'Security and hardening'), or run `make run` once to generate them into instance/.")


def main(instance_dir: Path) -> None:
    """`make keys`: the app's own instance/ folder (webapp.config.INSTANCE_DIR) gets its missing keys."""
    for written in ensure_instance_keys(instance_dir):
        print(f"Generated {written} (mode 0600).")
