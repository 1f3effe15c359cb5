"""Request body limits (issue 13 point 6): a size per route and a JSON depth for every body.

Flask's MAX_CONTENT_LENGTH is one number for the whole app; imports need hundreds of
megabytes, every other route a few kilobytes. A view marked ``@large_body`` gets
QUORUM_MAX_IMPORT_BYTES, every other one QUORUM_MAX_BODY_BYTES. The limit is read when
Werkzeug opens the body stream, whichever hook reads the body first (CSRF reads forms).
"""
from __future__ import annotations

import json
from typing import Any, Callable

from flask import Flask, Request, current_app, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from webapp.extensions import db
from webapp.input_limits import MAX_ID, InputLimitError, parse_json

_LARGE_BODY = "_quorum_large_body"


def large_body(view: Callable) -> Callable:
    """Mark an import view: its body may be as large as QUORUM_MAX_IMPORT_BYTES."""
    setattr(view, _LARGE_BODY, True)
    return view


class LimitedRequestMixin(Request):
    """A request whose body limit depends on its view and whose JSON depth is bounded;
    mixed into the app's request class (htmx-flask installs its own) by ``init_app``."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None or not current_app:
            return super().max_content_length
        view = current_app.view_functions.get(self.endpoint or "")
        key = "QUORUM_MAX_IMPORT_BYTES" if getattr(view, _LARGE_BODY, False) else "QUORUM_MAX_BODY_BYTES"
        return current_app.config[key]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """Parse through ``parse_json``: JSON too deep to parse safely, or holding values no
        database column takes, is a 400 even when ``silent``; malformed JSON is None when
        ``silent``, as in Flask. Not cached: views read their body once."""
        if not (force or self.is_json):
            return super().get_json(force=force, silent=silent, cache=cache)
        try:
            return parse_json(self._json_text(), current_app.config["QUORUM_MAX_JSON_DEPTH"])
        except InputLimitError as exc:
            raise BadRequest(str(exc)) from None
        except ValueError as exc:  # malformed JSON or text that is not UTF-8
            return None if silent else self.on_json_loading_failed(exc)

    def _json_text(self) -> str:
        data = self.get_data(cache=True)
        return data.decode(json.detect_encoding(data))


class IdConverter(IntegerConverter):
    """``<int:id>`` past the id column's range is no row: 404, not an overflow in the driver."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - Werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _too_large(exc: RequestEntityTooLarge):
    """Name the limit that was hit, in the app's usual JSON or HTML error answer."""
    from webapp.views.errors import http_error

    limit = request.max_content_length
    if request.content_length is not None and limit is not None and request.content_length > limit:
        message = f"The request body is larger than this page accepts ({limit // 1024:,} KB at most)."
    else:
        message = "The request has a form field or too many fields beyond the server's limits."
    return http_error(RequestEntityTooLarge(message))


def refuse_database_value(exc: DataError):
    """The database refused a value (PostgreSQL's data exceptions: an integer out of range,
    a string too long for its column): the client's input, so a 400 that says which."""
    from webapp.views.errors import http_error

    db.session.rollback()
    reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "invalid value"
    return http_error(BadRequest(f"The database refused a value: {reason}."))


def init_app(app: Flask) -> None:
    """Call after the extensions (it keeps the request class they installed) and before
    the blueprints (their rules take the converter when they are added)."""
    app.url_map.converters["int"] = IdConverter
    base = app.request_class
    app.request_class = type(f"Limited{base.__name__}", (LimitedRequestMixin, base), {})
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(DataError, refuse_database_value)
