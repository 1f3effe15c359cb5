import pytest
from flask import g
from flask.testing import FlaskClient

from tests.factories import login
from webapp.models import OrgRole


class OwnSessionClient(FlaskClient):
    """Tests share one app context, so Flask-WTF's per-context CSRF token (in g) would
    leak from one client's session to another's; each request starts without it."""

    def open(self, *args, **kwargs):
        g.pop("csrf_token", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def manager(factory):
    return factory.user(OrgRole.MANAGER)


@pytest.fixture
def as_user(app, session):
    """A test client logged in as `user` (one client per call)."""
    def log_in(user):
        client = OwnSessionClient(app, app.response_class, use_cookies=True)
        login(client, user)
        log_in.last = client
        return client
    return log_in
