"""Limits on untrusted text, checked before the expensive or fragile step that would
choke on it (issue 13 point 6).

Python's JSON parser recurses once per nesting level, so a body of 10,000 brackets
raises RecursionError instead of a clean error; the depth is therefore counted on the
raw text first. PostgreSQL refuses NUL characters and lone UTF-16 surrogates in text
and JSONB, so they are refused here, with the same answer on every database.
"""
from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 64
# The widest integer a database parameter takes (SQLite's, PostgreSQL's BIGINT); a larger
# one overflows in the driver. Ids are INTEGER columns: on PostgreSQL 32 bits.
MAX_INTEGER = 2**63 - 1
MAX_ID = 2**31 - 1

_ESCAPE = re.compile(r"\\.", re.S)
_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# Only a text with one of these escapes can hold a NUL or a lone surrogate once parsed.
_RISKY_ESCAPE = re.compile(r"\\u(0000|d[89a-f][0-9a-f]{2})", re.I)
# C0 controls except tab, newline and carriage return; DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class InputLimitError(ValueError):
    """Untrusted input over a limit or with characters that cannot be stored."""


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in ``text``, counted without parsing it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", _ESCAPE.sub("", text)))
    depth = deepest = 0
    for bracket in brackets:
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def check_json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    if json_depth(text) > limit:
        raise InputLimitError(f"JSON nested deeper than {limit} levels is not accepted.")


def unstorable_text(value: str) -> str | None:
    """Why ``value`` cannot be stored (a NUL or a lone surrogate), or None."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000)"
    if _SURROGATE.search(value):
        return "contains an unpaired UTF-16 surrogate"
    return None


def _check_strings(value: Any) -> None:
    """Every key and string of a parsed value; the depth is already bounded."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)
    elif isinstance(value, str) and (problem := unstorable_text(value)):
        raise InputLimitError(f"A JSON string {problem}, which cannot be stored.")


def check_parsed_json(text: str, value: Any) -> None:
    """Refuse NULs and lone surrogates in ``value`` (parsed from ``text``)."""
    if _RISKY_ESCAPE.search(text):
        _check_strings(value)


def database_id(text: str) -> int:
    """An id from a query string (``request.args.get(..., type=database_id)``): ValueError
    unless it is a whole number an id column holds."""
    value = int(text)
    if not 0 < value <= MAX_ID:
        raise ValueError(f"{text[:30]} is not an id")
    return value


def _integer(digits: str) -> int:
    value = int(digits)
    if abs(value) > MAX_INTEGER:
        raise InputLimitError(f"JSON integer {digits[:30]} is out of range (at most {MAX_INTEGER}).")
    return value


def _constant(name: str) -> float:
    raise InputLimitError(f"{name} is not a JSON number.")


def parse_json(text: str, limit: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that raises InputLimitError for too deep or unstorable JSON: past
    ``limit`` levels, integers no database column holds, NaN/Infinity (PostgreSQL's JSONB
    refuses them), NULs and lone surrogates in strings. Malformed JSON raises
    json.JSONDecodeError, a ValueError, as usual."""
    check_json_depth(text, limit)
    value = json.loads(text, parse_int=_integer, parse_constant=_constant)
    check_parsed_json(text, value)
    return value


def control_characters(value: str) -> str | None:
    """A message if ``value`` holds NUL, control characters or lone surrogates, else None.
    For names, titles and paths: tab and line breaks are let through (the caller trims)."""
    if _CONTROL.search(value):
        return "must not contain NUL or other control characters"
    if _SURROGATE.search(value):
        return "must not contain unpaired UTF-16 surrogates"
    return None
