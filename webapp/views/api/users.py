"""The current user and their API token."""
from __future__ import annotations

from flask_login import current_user

from webapp.views.api import route
from webapp.views.api.serializers import user_json


@route("/current-user", methods=["GET"])
def current():
    return user_json(current_user)


@route("/current-user/token", methods=["GET"])
def token():
    return {"token": current_user.api_token}
