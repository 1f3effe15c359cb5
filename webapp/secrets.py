"""Secrets at rest (GEN-1): Fernet encryption keyed from the app's SECRET_KEY.

HKDF derives a dedicated key, so the SECRET_KEY itself (which also signs sessions) is
never used directly as an encryption key. Callers pass the SECRET_KEY in; this module
knows nothing of Flask.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"quorum/project-secrets/v1"


class SecretError(ValueError):
    """A stored secret that cannot be decrypted (the SECRET_KEY changed since)."""


def _fernet(secret_key: str) -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


def encrypt_secret(secret_key: str, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode("ascii")


def decrypt_secret(secret_key: str, token: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise SecretError("The stored secret cannot be decrypted with this SECRET_KEY.") from exc
