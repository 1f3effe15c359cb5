"""Label Studio's `query` parameter of GET /api/tasks (issue 16 point 1), read into the
Data Manager's own URL parameters, which parse_query then checks as for the page (so a
filter on a column withheld from the viewer is dropped there, OPT-3, REV-8).

Label Studio's SDK sends `query` as JSON: {"filters": {"conjunction": "and", "items":
[{"filter": "filter:tasks:<field>", "operator": ..., "type": ..., "value": ...}]},
"ordering": ["-tasks:<field>"]}. What the Data Manager cannot express ("or" across
filters, an unknown field or operator) is refused with QueryError rather than ignored.
"""
from __future__ import annotations

import json
from typing import Any

# Label Studio's field -> the Data Manager's column key.
NUMBER_FIELDS = {"total_annotations": "annotations", "cancelled_annotations": "skipped",
                 "total_predictions": "predictions", "agreement": "agreement"}
BOOLEAN_FIELDS = {"reviewed": "reviewed", "ground_truth": "ground_truth"}
ORDER_FIELDS = {"id": "id", "updated_at": "updated", **NUMBER_FIELDS}
COUNTS = {"annotations", "skipped", "predictions"}  # integers: a strict bound moves by one
FILTER_PREFIX, ORDER_PREFIX = "filter:tasks:", "tasks:"


class QueryError(ValueError):
    pass


def query_args(raw: str) -> dict[str, str]:
    """The Data Manager's URL parameters for Label Studio's `query` JSON."""
    try:
        query = json.loads(raw)
    except ValueError:
        raise QueryError("'query' must be JSON.") from None
    if not isinstance(query, dict):
        raise QueryError("'query' must be a JSON object.")
    args: dict[str, str] = {}
    filters = query.get("filters") or {}
    items = (filters.get("items") or []) if isinstance(filters, dict) else None
    if not isinstance(items, list):
        raise QueryError("'filters.items' must be a list.")
    if len(items) > 1 and filters.get("conjunction", "and") != "and":
        raise QueryError("Only the 'and' conjunction is supported.")
    for item in items:
        args.update(_filter_args(item))
    ordering = query.get("ordering") or []
    if ordering:
        args["sort"] = _sort(ordering[0])
    return args


def _filter_args(item: Any) -> dict[str, str]:
    if not isinstance(item, dict) or not str(item.get("filter", "")).startswith(FILTER_PREFIX):
        raise QueryError(f"Unsupported filter {item!r}.")
    field, operator, value = item["filter"].removeprefix(FILTER_PREFIX), item.get("operator"), item.get("value")
    if field.startswith("data.") and operator == "contains":
        return {"q": str(value)}  # the Data Manager searches all of the task's data
    if field in BOOLEAN_FIELDS and operator == "equal" and isinstance(value, bool):
        return {BOOLEAN_FIELDS[field]: "yes" if value else "no"}
    if field in NUMBER_FIELDS:
        return _range(NUMBER_FIELDS[field], operator, value)
    raise QueryError(f"Unsupported filter: {field} {operator}.")


def _range(key: str, operator: Any, value: Any) -> dict[str, str]:
    if operator == "in" and isinstance(value, dict):
        low, high = value.get("min"), value.get("max")
    elif operator not in _BOUNDS:
        raise QueryError(f"Unsupported operator {operator!r} on {key}.")
    elif not isinstance(value, (int, float)) or isinstance(value, bool):
        raise QueryError(f"The filter on {key} needs a number.")
    else:
        step = 1 if key in COUNTS else 0  # agreement: a strict bound is read as inclusive
        low, high = _BOUNDS[operator](value, step)
    return {f"{key}_min": "" if low is None else str(low), f"{key}_max": "" if high is None else str(high)}


# Operator -> (min, max) of the Data Manager's inclusive range, given the value and step.
_BOUNDS = {
    "equal": lambda v, step: (v, v),
    "greater_or_equal": lambda v, step: (v, None),
    "less_or_equal": lambda v, step: (None, v),
    "greater": lambda v, step: (v + step, None),
    "less": lambda v, step: (None, v - step),
}


def _sort(order: Any) -> str:
    descending = isinstance(order, str) and order.startswith("-")
    field = str(order).lstrip("-").removeprefix(ORDER_PREFIX)
    if field not in ORDER_FIELDS:
        raise QueryError(f"Unsupported ordering {order!r}.")
    return ("-" if descending else "") + ORDER_FIELDS[field]
