"""Label Studio's JSON and JSON_MIN exports, and CSV/TSV (the JSON_MIN rows as a table)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from webapp.io.pages import ExportSource, TaskPage
from webapp.labeling import LabelingConfig

# Where each result type keeps its value(s) in ``value`` (labels are handled whole).
_VALUE_KEYS = {"choices": "choices", "textarea": "text", "rating": "rating",
               "number": "number", "taxonomy": "taxonomy"}
_SPAN_KEYS = ("start", "end", "text", "labels")
# JSON_MIN's annotation columns, put last in CSV/TSV whatever the data fields are.
_TAIL = ("annotator", "annotation_id", "created_at", "updated_at", "lead_time")


def json_chunks(source: ExportSource) -> Iterator[bytes]:
    """Label Studio's full export: every task with all its annotations, predictions and
    drafts, each expanded as Label Studio expands them when asked for more than ids."""
    return _json_array(
        [_task_entry(source.project_id, task, page) for task in page.tasks]
        for page in source.pages(full=True)
    )


def json_min_chunks(source: ExportSource) -> Iterator[bytes]:
    return _json_array(_min_rows(source))


def csv_chunks(source: ExportSource) -> Iterator[bytes]:
    return _delimited(source, csv.excel)


def tsv_chunks(source: ExportSource) -> Iterator[bytes]:
    return _delimited(source, csv.excel_tab)


def iso(moment: datetime | None) -> str | None:
    """Label Studio's timestamp form; stored values are naive UTC."""
    return moment.isoformat(timespec="microseconds") + "Z" if moment else None


def _json_array(pages: Iterable[list[dict]]) -> Iterator[bytes]:
    """One chunk per page, so the array is never whole in memory."""
    yield b"["
    separator = ""
    for items in pages:
        if items:
            body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
            yield (separator + body).encode()
            separator = ",\n"
    yield b"]\n"


def _task_entry(project_id: int, task: Row, page: TaskPage) -> dict:
    return {
        "id": task.id,
        "data": task.data,
        "annotations": [annotation_entry(a) for a in page.annotations.get(task.id, [])],
        "predictions": [prediction_entry(p) for p in page.predictions.get(task.id, [])],
        "drafts": [_draft_entry(d, page.emails) for d in page.drafts.get(task.id, [])],
        "meta": task.meta,
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
        "project": project_id,
    }


def annotation_entry(annotation: Row) -> dict:
    """One annotation in Label Studio's export shape (also used by the API and webhooks)."""
    return {
        "id": annotation.id,
        "completed_by": annotation.completed_by_id,
        "result": annotation.result,
        "was_cancelled": annotation.was_cancelled,
        "ground_truth": annotation.ground_truth,
        "lead_time": annotation.lead_time,
        "created_at": iso(annotation.created_at),
        "updated_at": iso(annotation.updated_at),
    }


def prediction_entry(prediction: Row) -> dict:
    """One prediction in Label Studio's export shape (also used by the API)."""
    return {
        "id": prediction.id,
        "result": prediction.result,
        "score": prediction.score,
        "model_version": prediction.model_version,
        "created_at": iso(prediction.created_at),
    }


def _draft_entry(draft: Row, emails: dict[int, str]) -> dict:
    """A draft as Label Studio's draft serializer shows it: `user` is the author's email."""
    return {
        "id": draft.id,
        "user": emails.get(draft.user_id),
        "result": draft.result,
        "lead_time": draft.lead_time,
        "was_postponed": False,  # Quorum has no postponed drafts
        "created_at": iso(draft.created_at),
        "updated_at": iso(draft.updated_at),
    }


def _min_rows(source: ExportSource) -> Iterator[list[dict]]:
    """JSON_MIN rows, a list per page: one per submitted annotation; a task without one
    still gives a row with its data, so every exported task appears."""
    for page in source.pages():
        yield [row for task in page.tasks for row in _task_min_rows(source.config, task, page)]


def _task_min_rows(config: LabelingConfig, task: Row, page: TaskPage) -> list[dict]:
    base = {"id": task.id, **task.data}
    return [
        {
            **base,
            **_min_values(config, annotation.result),
            "annotator": page.emails.get(annotation.completed_by_id),
            "annotation_id": annotation.id,
            "created_at": iso(annotation.created_at),
            "updated_at": iso(annotation.updated_at),
            "lead_time": annotation.lead_time,
        }
        for annotation in page.submitted(task.id)
    ] or [base]


def _min_values(config: LabelingConfig, result: list) -> dict[str, Any]:
    """A result as ``{control name: value}``: a single choice, rating, number or text
    as itself; spans, taxonomy paths, multiple choices and repeated values as lists."""
    collected: dict[str, tuple[str, list]] = {}
    for item in result:
        kind, values = collected.setdefault(item["from_name"], (item["type"], []))
        values.extend(_item_values(kind, item["value"]))
    return {name: _shaped(config, name, kind, values) for name, (kind, values) in collected.items()}


def _item_values(kind: str, value: dict) -> list:
    if kind == "labels":
        return [{key: value[key] for key in _SPAN_KEYS if key in value}]
    found = value.get(_VALUE_KEYS.get(kind, kind))
    return found if isinstance(found, list) else [found]


def _shaped(config: LabelingConfig, name: str, kind: str, values: list) -> Any:
    control = config.controls.get(name)
    always_list = kind in ("labels", "taxonomy") or (
        kind == "choices" and control is not None and control.multiple
    )
    return values if always_list or len(values) != 1 else values[0]


def _delimited(source: ExportSource, dialect: type[csv.Dialect]) -> Iterator[bytes]:
    """Two passes over the tasks: the header must name every column before the first
    row, and the first pass keeps only the keys, so memory stays flat."""
    header = _header(source)
    if not header:
        return
    yield _encoded(dialect, [header])
    for rows in _min_rows(source):
        yield _encoded(dialect, ([_cell(row.get(key)) for key in header] for row in rows))


def _header(source: ExportSource) -> list[str]:
    """Union of the rows' keys in first-seen order ("id" first), annotation columns last."""
    keys: dict[str, None] = {}
    for rows in _min_rows(source):
        for row in rows:
            keys.update(dict.fromkeys(row))
    return [key for key in keys if key not in _TAIL] + [key for key in _TAIL if key in keys]


def _encoded(dialect: type[csv.Dialect], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, dialect).writerows(rows)
    return buffer.getvalue().encode()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict, bool)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
