"""OPT-4 in a real browser: selecting text reveals the hidden pre-annotations inside it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.e2e.helpers import drag_select, log_in
from tests.ml.test_reveal import TEXT, reveal_project
from webapp.models import Annotation

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402


def test_selecting_text_reveals_the_hidden_regions_inside__OPT_4(new_page, session, factory):
    project, annotator = reveal_project(session, factory, reveal=True)
    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{project.id}/stream")
    expect(page.locator("#region-count")).to_have_text("0")
    drag_select(page, "text", TEXT, 0, 16)  # "Ada Lovelace met": holds the first region only
    expect(page.locator("#region-list .ed-region-text")).to_have_text(["Ada Lovelace"])
    page.keyboard.press("Control+Enter")
    expect(page.locator("#stream-done")).to_contain_text("No more tasks")
    session.rollback()
    (annotation,) = session.scalars(select(Annotation).where(Annotation.project_id == project.id)).all()
    assert [r["value"]["text"] for r in annotation.result] == ["Ada Lovelace"]
    assert "hidden" not in annotation.result[0]
