"""Round trip with Label Studio's own export file (issue 16 point 2).

tests/data/label_studio_export.json follows Label Studio's JSON export with every part
expanded (annotations' `completed_by` as ids or objects, predictions and drafts as objects),
plus one task as the plain export writes it (predictions and drafts listed by id). Its texts
put emoji (astral, ZWJ and flag sequences) and a combining diaeresis before and inside spans.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.io.conftest import as_json, upload
from webapp.io import TaskImportError, export_project
from webapp.models import Annotation, Draft, OrgRole, Prediction, Task, User

EXPORT_FILE = Path(__file__).parent.parent / "data" / "label_studio_export.json"
# What Label Studio reads back on import, per part; everything else in its export is ids,
# counters or read-only fields it recomputes (README, Import and export).
_ANNOTATION_KEYS = ("result", "was_cancelled", "ground_truth", "lead_time", "created_at", "updated_at")
_PREDICTION_KEYS = ("result", "score", "model_version", "created_at")
_DRAFT_KEYS = ("result", "lead_time", "created_at", "updated_at")


def _records() -> list[dict]:
    return json.loads(EXPORT_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def people(factory):
    """The file's known authors; anyone else in it is not a user here."""
    return {email: factory.user(role, email) for email, role in
            (("ann@example.org", OrgRole.ANNOTATOR), ("rev@example.org", OrgRole.REVIEWER))}


@pytest.fixture
def round_trip(session, project, manager, people) -> tuple[list[dict], list[dict]]:
    upload(session, project, manager, "export.json", EXPORT_FILE.read_bytes())
    exported = json.loads(b"".join(export_project(session, project, "JSON", False).chunks))
    return _records(), exported


def _email(value, emails: dict[int, str], importer: str) -> str:
    """An author as an email: objects by their email, ids of this instance by its users,
    anyone unknown as the importer (the documented rule)."""
    if isinstance(value, dict):
        value = value["email"].lower()
    if isinstance(value, int):
        value = emails.get(value, importer)
    return value if value in emails.values() else importer


def _comparable(task: dict, emails: dict[int, str], importer: str) -> dict:
    """A task as Label Studio's import reads it, ids normalised: authors as emails, parts
    listed by id dropped, drafts of people who are not users here dropped."""
    def pick(item: dict, keys: tuple[str, ...]) -> dict:
        return {key: item.get(key) for key in keys}

    return {
        "data": task["data"],
        "meta": task["meta"],
        "annotations": [{**pick(a, _ANNOTATION_KEYS), "by": _email(a["completed_by"], emails, importer)}
                        for a in task["annotations"]],
        "predictions": [pick(p, _PREDICTION_KEYS) for p in task["predictions"] if isinstance(p, dict)],
        "drafts": [{**pick(d, _DRAFT_KEYS), "by": d["user"]} for d in task["drafts"]
                   if isinstance(d, dict) and d["user"].lower() in emails.values()],
    }


def test_label_studio_export_comes_back_field_by_field__issue16_point2(session, manager, round_trip):
    original, exported = round_trip
    emails = dict(session.execute(select(User.id, User.email)).all())
    before = [_comparable(task, emails, manager.email) for task in original]
    after = [_comparable(task, emails, manager.email) for task in exported]
    assert len(after) == len(before) == 3
    for old, new in zip(before, after, strict=True):
        for part in ("data", "meta", "annotations", "predictions", "drafts"):
            assert new[part] == old[part], part
    # Every key Label Studio's import reads is in Quorum's export, with its own types.
    for task in exported:
        assert {"id", "data", "meta", "annotations", "predictions", "drafts"} <= task.keys()
        assert all(isinstance(a["completed_by"], int) for a in task["annotations"])


def test_authors_are_kept_or_given_to_the_importer__issue16_point2(round_trip, people, manager):
    _, exported = round_trip
    first, second = exported[0]["annotations"], exported[1]["annotations"]
    assert first[0]["completed_by"] == people["ann@example.org"].id  # object with email
    assert first[1]["completed_by"] == manager.id  # id of another instance
    assert second[0]["completed_by"] == people["rev@example.org"].id  # email in another case
    assert [d["user"] for d in exported[0]["drafts"]] == ["rev@example.org"]  # gone@ dropped


def _spans(task: dict) -> list[dict]:
    parts = task["annotations"] + [p for p in task["predictions"] + task["drafts"] if isinstance(p, dict)]
    return [item["value"] for part in parts for item in part["result"] if item["type"] == "labels"]


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def test_span_offsets_are_code_points_and_never_shift__issue16_point2(round_trip):
    """Label Studio's Text results count code points (its editor converts from the browser's
    UTF-16 units); the file's texts make the two counts differ before most spans."""
    original, exported = round_trip
    for old, new in zip(original, exported, strict=True):
        text = new["data"]["text"]
        assert _spans(new) == _spans(old)
        for span in _spans(new):
            assert text[span["start"]:span["end"]] == span["text"]
    text = exported[0]["data"]["text"]
    shifted = [s for s in _spans(exported[0]) if _utf16(text, s["start"]) != s["start"]]
    assert len(shifted) >= 5
    assert any(len(s["text"]) != len(s["text"].encode("utf-16-le")) // 2 for s in shifted)  # 🎉
    assert "\u0308" in text  # a combining mark counts as its own code point, as in Python


def test_drafts_of_known_people_become_their_drafts__issue16_point2(session, round_trip, people):
    draft = session.scalars(select(Draft)).one()
    assert draft.user_id == people["rev@example.org"].id
    assert draft.annotation_id is None and draft.lead_time == 8.0
    assert draft.result[0]["value"]["text"] == "Keir"
    assert session.scalar(select(func.count()).select_from(Prediction)) == 1  # ids skipped


def test_two_drafts_of_one_person_keep_the_last__issue16_point2(session, project, manager, people):
    record = _records()[0]
    first = copy.deepcopy(record["drafts"][0])
    first["lead_time"] = 1.0
    record["drafts"] = [first, record["drafts"][0]]
    upload(session, project, manager, "t.json", as_json([record]))
    assert [d.lead_time for d in session.scalars(select(Draft))] == [8.0]


@pytest.mark.parametrize("breaks, expected", [
    (lambda r: r["drafts"][0]["result"][0]["value"].update(start=0), "record 1, draft 1"),
    (lambda r: r["annotations"][0].update(created_at="yesterday"), "created_at must be an ISO 8601"),
    (lambda r: r["drafts"][0].update(user=[1]), "user must be a user id, an email"),
])
def test_a_bad_part_anywhere_refuses_the_whole_file__issue16_point2(
        session, project, manager, people, breaks, expected):
    records = _records()
    breaks(records[0])
    with pytest.raises(TaskImportError, match=expected):
        upload(session, project, manager, "t.json", as_json(records))
    for model in (Task, Annotation, Prediction, Draft):
        assert session.scalar(select(func.count()).select_from(model)) == 0
