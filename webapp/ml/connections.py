"""Connecting a model (ML-1): what a connection needs, and saving one only when the model
answers. Shared by the Model tab and the ML API.

A stored password, token or API key belongs to the URL it was given for: a connection whose
URL changes keeps no secret unless the same request gives one, so whoever may edit a model
cannot make the server send its owner's key to a host of their choosing."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from webapp.ml import external, remote
from webapp.models import Project
from webapp.models.ml import MLModel, ModelKind

AUTH_METHODS = ("none", "basic", "token")
MOVED_SECRET = ("The URL changed, so the stored password, token or API key was cleared (it is never sent "
                "to a new address): enter it again.")


@dataclass
class Connection:
    kind: ModelKind
    title: str
    url: str = ""
    auth_method: str = "none"
    basic_auth_user: str = ""
    secret: str = ""  # blank keeps the stored one, if the URL stays the same
    extra_params: dict = field(default_factory=dict)
    interactive_preannotations: bool = False
    is_active: bool = True


def keeps_secret(stored: MLModel | None, c: Connection) -> bool:
    """Whether saving `c` over `stored` may keep the stored secret: none given, same URL."""
    return bool(stored and stored.auth_secret_encrypted) and not c.secret and stored.url == c.url


def connection_problems(c: Connection, stored: MLModel | None = None) -> dict[str, str]:
    """Field -> sentence, for what keeps this connection from being saved over `stored`
    (None for a new connection)."""
    if c.kind is ModelKind.BUILTIN:
        return {}
    problems = {}
    parts = urlsplit(c.url or "")
    if not c.url:
        problems["url"] = "Give the model's URL (http:// or https://)."
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        problems["url"] = f"{c.url} is not an http:// or https:// URL."
    if c.auth_method not in AUTH_METHODS:
        problems["auth_method"] = f"Authentication is one of {', '.join(AUTH_METHODS)}."
    elif c.auth_method == "basic" and not c.basic_auth_user:
        problems["basic_auth_user"] = "Basic authentication needs a user name."
    if c.auth_method in ("basic", "token") and not c.secret and not keeps_secret(stored, c):
        moved = bool(stored and stored.auth_secret_encrypted)
        problems["secret"] = MOVED_SECRET if moved else "Enter the password, token or API key."
    if c.kind is ModelKind.OPENAI_CHAT and not str(c.extra_params.get("model") or "").strip():
        problems["model"] = "Give the chat model's name."
    return problems


def apply_connection(model: MLModel, c: Connection) -> None:
    if not keeps_secret(model, c):
        model.auth_secret_encrypted = ""
    model.kind, model.title, model.extra_params = c.kind, c.title, dict(c.extra_params)
    model.interactive_preannotations, model.is_active = c.interactive_preannotations, c.is_active
    external_kind = c.kind is not ModelKind.BUILTIN
    model.url = c.url if external_kind else ""
    model.auth_method = c.auth_method if external_kind else "none"
    model.basic_auth_user = c.basic_auth_user if model.auth_method == "basic" else ""
    if model.auth_method == "none":
        model.auth_secret_encrypted = ""
    elif c.secret:
        remote.store_secret(model, c.secret)


def check_and_apply(model: MLModel, project: Project, c: Connection) -> str:
    """Apply `c` to `model` (not flushed) and check that the model answers: /health, and
    /setup for a backend. Returns the check's sentence; raises RemoteModelError, after
    which the caller discards the changes."""
    apply_connection(model, c)
    return "" if c.kind is ModelKind.BUILTIN else external.connect_check(model, project)
