"""Session clients for the access tests: log in, then send writes with the CSRF token."""
from __future__ import annotations

from tests.factories import csrf_token, login


class As:
    """A test client logged in as one user; every write carries the CSRF token."""

    def __init__(self, client, user):
        login(client, user)
        self.client = client
        self.token = csrf_token(client, "/")

    def get(self, url: str):
        return self.client.get(url)

    def send(self, method: str, url: str, json=None):
        return self.client.open(url, method=method, json=json, headers={"X-CSRFToken": self.token})
