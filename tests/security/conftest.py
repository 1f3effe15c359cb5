"""The access tests create a world of seven users per test: hash the one test password
once, not seven times per test (scrypt is slow on purpose). Login still checks it."""
from __future__ import annotations

from functools import cache

import pytest

from webapp.models import organization


@pytest.fixture(autouse=True)
def _hash_the_test_password_once(monkeypatch):
    monkeypatch.setattr(organization, "generate_password_hash", cache(organization.generate_password_hash))
