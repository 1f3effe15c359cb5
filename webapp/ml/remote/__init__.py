"""Remote model kinds: `ml_backend` (Label Studio ML backend) and `openai_chat`
(OpenAI-compatible chat endpoint). This package module holds what both share: HTTP to
them (ML backends, LLM endpoints) under the outbound policy.

Every request goes through webapp.integrations.http_policy.safe_request, so the SSRF rules
that guard webhooks guard model URLs too. Failures become RemoteModelError, whose message
is a sentence a manager can act on. The app's config (outbound policy, the keys of the
stored model secrets) is handed in once with `configure`; this module knows no Flask.
"""
from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import replace

import requests

from webapp.integrations.http_policy import ForbiddenDestination, OutboundPolicy, policy_from_config, safe_request
from webapp.models.ml import MLModel
from webapp.secret_box import SecretBox, SecretError, box_from_config

RETRIES = 2  # after the first attempt, on connection errors and 5xx answers
BACKOFF = 0.5  # seconds, doubled on each retry
SNIPPET = 200
_config: Mapping = {}


class RemoteModelError(RuntimeError):
    """A model source failed; str() is the sentence to show. `status` is the HTTP status
    when the model answered, `body` its parsed answer when it was JSON."""

    def __init__(self, message: str, status: int | None = None, body: object = None) -> None:
        super().__init__(message)
        self.status, self.body = status, body


def configure(config: Mapping) -> None:
    """Called once at app start with the app's (live) config mapping."""
    global _config
    _config = config


def setting(name: str, default=None):
    return _config.get(name, default)


def policy(timeout: float | None = None) -> OutboundPolicy:
    base = policy_from_config(_config)
    return replace(base, timeout=timeout) if timeout else base


def secret_box() -> SecretBox:
    return box_from_config(_config)


def store_secret(model: MLModel, secret: str) -> None:
    model.auth_secret_encrypted = secret_box().encrypt(secret) if secret else ""


def model_secret(model: MLModel) -> str:
    if not model.auth_secret_encrypted:
        return ""
    try:
        return secret_box().decrypt(model.auth_secret_encrypted)
    except SecretError as exc:
        raise RemoteModelError(f"The secret of model “{model.title}” cannot be read: enter it again.") from exc


def auth_kwargs(model: MLModel, token_scheme: str = "Token") -> dict:
    """requests keyword arguments for the model's authentication."""
    if model.auth_method == "basic":
        return {"auth": (model.basic_auth_user, model_secret(model))}
    if model.auth_method == "token":
        return {"headers": {"Authorization": f"{token_scheme} {model_secret(model)}"}}
    return {}


def _snippet(response: requests.Response) -> str:
    text = response.text.strip()
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("error") or body.get("message")
        if isinstance(detail, dict):
            detail = detail.get("message")
        text = detail if isinstance(detail, str) and detail else text
    return text[:SNIPPET] + ("…" if len(text) > SNIPPET else "")


def _attempt(method: str, url: str, timeout: float | None, **kwargs) -> requests.Response:
    rules = policy(timeout)
    try:
        return safe_request(rules, method, url, **kwargs)
    except ForbiddenDestination as exc:
        raise RemoteModelError(f"The model at {url} may not be called: {exc}") from exc
    except requests.Timeout as exc:
        raise RemoteModelError(f"The model at {url} did not answer within {rules.timeout:g} s.") from exc


def request_json(method: str, url: str, *, timeout: float | None = None, **kwargs) -> object:
    """One call with retries; the parsed JSON answer, or RemoteModelError."""
    for attempt in range(RETRIES + 1):
        last = attempt == RETRIES
        try:
            response = _attempt(method, url, timeout, **kwargs)
        except requests.ConnectionError as exc:
            if last:
                raise RemoteModelError(f"The model at {url} cannot be reached: {_reason(exc)}.") from exc
        else:
            if response.status_code < 500 or last:
                return _parsed(url, response)
        time.sleep(BACKOFF * 2 ** attempt)
    raise AssertionError("unreachable")


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host"):
        if marker in text:
            return marker.lower()
    return text[:SNIPPET]


def _parsed(url: str, response: requests.Response) -> object:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400:
        raise RemoteModelError(f"The model at {url} answered {response.status_code}: {_snippet(response)}",
                               response.status_code, body)
    if body is None and response.content:
        raise RemoteModelError(f"The model at {url} answered with something that is not JSON: {_snippet(response)}",
                               response.status_code)
    return body


def pretty(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
