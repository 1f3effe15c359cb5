"""JSON bodies the editor posts (submit, skip, draft), checked before any domain call."""
from __future__ import annotations

from typing import Any

from werkzeug.exceptions import BadRequest

from webapp.annotations import Submission

MAX_COMMENT = 5000


def _lead_time(body: dict[str, Any]) -> float | None:
    value = body.get("lead_time")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise BadRequest("'lead_time' must be a number of seconds >= 0.")
    return float(value)


def _result(body: dict[str, Any]) -> list:
    result = body.get("result", [])
    if not isinstance(result, list):
        raise BadRequest("'result' must be a list of Label Studio result items.")
    return result


def _comment(body: dict[str, Any]) -> str:
    comment = body.get("comment") or ""
    if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
        raise BadRequest(f"'comment' must be text of at most {MAX_COMMENT} characters.")
    return comment


def _body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("Send a JSON object.")
    return body


def submission_from(body: Any, *, skip: bool) -> Submission:
    """A submit carries result + lead_time; a skip carries a comment and no result."""
    body = _body(body)
    return Submission(
        result=[] if skip else _result(body),
        was_cancelled=skip,
        lead_time=_lead_time(body),
        comment=_comment(body),
    )


def draft_from(body: Any) -> tuple[list, float | None]:
    body = _body(body)
    return _result(body), _lead_time(body)
