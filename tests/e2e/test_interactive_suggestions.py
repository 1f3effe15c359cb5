"""ML-5 in a real browser: selecting text asks the model, its suggestions appear, and an
accepted one is submitted as an ordinary region (server half: tests/ml/test_interactive.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.e2e.helpers import drag_select, log_in
from tests.ml.test_interactive import TEXT, make_ner_project
from webapp.models import Annotation, OrgRole

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402


def test_select_text_accept_a_suggestion_and_submit_it__ML_5(new_page, session, factory):
    made = make_ner_project(session, factory)
    annotator = factory.user(OrgRole.ANNOTATOR)
    factory.member(made.project, annotator)
    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{made.project.id}/stream")
    expect(page.locator("#editor[data-ready='true']")).to_be_visible()
    expect(page.locator("#obj-text")).to_have_text(TEXT)

    drag_select(page, "text", TEXT, 0, 13)  # "Alice met Bob", no label picked: a question
    suggestions = page.locator("#suggestion-list .ed-suggestion")
    expect(suggestions).to_have_count(3)  # Alice, Bob (overlapping), Paris (same sentence)
    expect(page.locator("#obj-text mark.is-suggestion")).to_have_count(3)
    expect(page.locator("#region-count")).to_have_text("0")  # suggestions are not regions yet

    suggestions.filter(has_text="Paris").click()  # accept one with a click
    expect(page.locator("#region-list .ed-region-text")).to_have_text(["Paris"])
    expect(suggestions).to_have_count(2)
    page.keyboard.press("Enter")  # the hotkey accepts the first of the rest
    expect(page.locator("#region-count")).to_have_text("2")
    page.keyboard.press("Escape")  # the last one is ignored
    expect(suggestions).to_have_count(0)

    page.keyboard.press("Control+Enter")
    expect(page.locator("#stream-done")).to_contain_text("No more tasks")
    session.rollback()
    (annotation,) = session.scalars(select(Annotation).where(Annotation.completed_by_id == annotator.id)).all()
    regions = sorted((r["value"]["start"], r["value"]["end"], r["value"]["text"], r["value"]["labels"][0])
                     for r in annotation.result)
    assert regions[-1] == (17, 22, "Paris", "LOC")
    assert len(regions) == 2 and regions[0][3] == "PER" and regions[0][2] in ("Alice", "Bob")
    assert all("score" not in r and "suggested" not in r for r in annotation.result)
