"""Shared builders for the import/export tests (DM-2): Label Studio records with spans."""
from __future__ import annotations

import io
import json

import pytest

from webapp.io import ImportResult, import_tasks
from webapp.models import OrgRole

NEWS = "Ada Lovelace met Charles Babbage in London."
# Astral characters before the spans: offsets count code points, not UTF-16 units.
EMOJI = "👩‍💻 Ada met 🇬🇧 Bob in London 🎉."


def span(text: str, part: str, label: str) -> dict:
    start = text.index(part)
    return {
        "from_name": "label", "to_name": "text", "type": "labels",
        "value": {"start": start, "end": start + len(part), "text": part, "labels": [label]},
    }


def choice(value: str, name: str = "sentiment") -> dict:
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [value]}}


def news_record() -> dict:
    """NEWS with a ground-truth annotation, a skip and a prediction."""
    return {
        "data": {"text": NEWS},
        "annotations": [
            {"result": [span(NEWS, "Ada Lovelace", "PER"), span(NEWS, "Charles Babbage", "PER"),
                        span(NEWS, "London", "LOC"), choice("Positive")],
             "ground_truth": True, "lead_time": 12.5},
            {"result": [], "was_cancelled": True},
        ],
        "predictions": [{"result": [span(NEWS, "London", "LOC")], "score": 0.75}],
        "meta": {"source": "unit test"},
    }


def emoji_record() -> dict:
    return {
        "data": {"text": EMOJI},
        "annotations": [{"result": [span(EMOJI, "Bob", "PER"), span(EMOJI, "London", "LOC"),
                                    choice("Neutral")]}],
    }


def upload(session, project, user, filename: str, content: str | bytes) -> ImportResult:
    raw = content.encode() if isinstance(content, str) else content
    return import_tasks(session, project, user, filename, io.BytesIO(raw))


def as_json(records: list) -> str:
    return json.dumps(records, ensure_ascii=False)


@pytest.fixture
def manager(factory):
    return factory.user(OrgRole.MANAGER)


@pytest.fixture
def project(factory, manager):
    """Spans (Labels "label") and a single choice (Choices "sentiment") on $text."""
    return factory.project(owner=manager, template="sentiment_ner")


@pytest.fixture
def builds(monkeypatch):
    """Every boto3 client built from here on, in order; the S3 client cache starts empty."""
    import boto3

    from webapp.io.storage import s3

    s3._CLIENTS.clear()
    made: list = []
    original = boto3.session.Session.client

    def counting(self, *args, **kwargs):
        made.append(original(self, *args, **kwargs))
        return made[-1]

    monkeypatch.setattr(boto3.session.Session, "client", counting)
    yield made
    s3._CLIENTS.clear()
