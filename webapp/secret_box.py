"""Secrets at rest (GEN-1): Fernet encryption under the operator's own key list.

QUORUM_ENCRYPTION_KEYS is kept apart from SECRET_KEY (which signs sessions), so replacing
either after a leak never makes the other unusable. The list works like cryptography's
MultiFernet: the first key encrypts, every key decrypts. To rotate, put a new key first,
run `flask secrets rotate`, then drop the old key.

Databases written before the list existed stay readable: the key the old code derived
from SECRET_KEY (HKDF) is tried last. If SECRET_KEY itself was replaced, the old value goes
in QUORUM_LEGACY_SECRET_KEY until `flask secrets rotate` has run. This module knows no Flask.
"""
from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_LEGACY_INFO = b"quorum/project-secrets/v1"
KEYS_SETTING = "QUORUM_ENCRYPTION_KEYS"
LEGACY_SETTING = "QUORUM_LEGACY_SECRET_KEY"


class SecretError(ValueError):
    """A stored secret that none of the configured keys can decrypt."""


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def parse_keys(value: str | list | tuple) -> tuple[str, ...]:
    """The key list from its comma-separated setting (or an already split list)."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(k.strip() for k in items if k and k.strip())


def legacy_key(secret_key: str) -> str:
    """The Fernet key that stored secrets were encrypted with before the key list."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LEGACY_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw).decode("ascii")


@lru_cache(maxsize=8)
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:  # not 32 url-safe base64-encoded bytes
        raise SecretError(f"{KEYS_SETTING} holds a key that is not a Fernet key: {exc}") from exc


@dataclass(frozen=True)
class SecretBox:
    """Encrypts with `keys[0]`; decrypts with any key, then the legacy SECRET_KEY-derived one."""

    keys: tuple[str, ...]
    legacy_secret_key: str = ""

    def _fernet(self) -> MultiFernet:
        if not self.keys:
            raise SecretError(f"No encryption key: set {KEYS_SETTING}.")
        legacy = (legacy_key(self.legacy_secret_key),) if self.legacy_secret_key else ()
        return _multi(self.keys + legacy)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet().encrypt(plaintext.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet().decrypt(token.encode("ascii")).decode()
        except InvalidToken as exc:
            raise SecretError(f"The stored secret cannot be decrypted with any key of {KEYS_SETTING}.") from exc

    def is_current(self, token: str) -> bool:
        """Whether `token` is already encrypted with the first key (nothing to rotate)."""
        try:
            Fernet(self.keys[0]).decrypt(token.encode("ascii"))
        except InvalidToken:
            return False
        return True

    def rotate(self, token: str) -> str:
        """The same secret, encrypted with the first key."""
        try:
            return self._fernet().rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken as exc:
            raise SecretError(f"The stored secret cannot be decrypted with any key of {KEYS_SETTING}.") from exc


def box_from_config(config: Mapping) -> SecretBox:
    """The app's box: its key list, and the SECRET_KEY older secrets were encrypted with."""
    return SecretBox(parse_keys(config.get(KEYS_SETTING) or ""),
                     config.get(LEGACY_SETTING) or config.get("SECRET_KEY") or "")
