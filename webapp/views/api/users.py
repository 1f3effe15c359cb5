"""The current user and their API token, and the server's version (Label Studio's paths)."""
from __future__ import annotations

from flask_login import current_user

from webapp.views.api import route
from webapp.views.api.serializers import user_json

# What /api/version answers: Label Studio's SDK reads `release` and `edition` only.
VERSION = {"release": "quorum", "edition": "Community", "compatible_with": "label-studio-sdk 2.x"}


@route("/current-user", methods=["GET"])
def current():
    return user_json(current_user)


@route("/current-user/whoami", methods=["GET"])
def whoami():
    """Label Studio's `users.whoami` (issue 16 point 6): the same user as /current-user."""
    return user_json(current_user)


@route("/current-user/token", methods=["GET"])
def token():
    return {"token": current_user.api_token}


@route("/version", methods=["GET"])
def version():
    return VERSION
