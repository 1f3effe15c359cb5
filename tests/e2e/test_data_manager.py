"""The Data Manager in a browser: filter, sort and page through htmx, without a reload,
with the URL following every step (DM-1)."""
from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import log_in
from webapp.models import OrgRole

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402


def test_filter_sort_and_page_update_rows_and_url_without_reload__DM_1(new_page, factory, session):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    tasks = factory.tasks(project, [f"{'apple' if i % 2 else 'pear'} number {i}" for i in range(60)])
    apples = [t.id for i, t in enumerate(tasks) if i % 2]
    page = new_page()
    log_in(page, manager)
    page.goto(f"/projects/{project.id}")
    page.evaluate("window.__noReload = true")
    rows = page.locator("#tasks tbody tr[data-task-id]")
    expect(rows).to_have_count(25)

    page.fill("input[name=q]", "apple")
    expect(page).to_have_url(re.compile(r"/data\?.*q=apple"))
    assert "label=" not in page.url  # empty filters stay out of the URL
    expect(rows.first).to_have_attribute("data-task-id", str(apples[0]))
    expect(rows).to_have_count(25)

    page.click("th[data-column=id] a")  # ascending already: the click sorts descending
    expect(page).to_have_url(re.compile(r"sort=-id"))
    expect(rows.first).to_have_attribute("data-task-id", str(apples[-1]))

    page.click("#dm-next")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(rows).to_have_count(5)
    expect(rows.first).to_have_attribute("data-task-id", str(apples[-26]))
    assert page.evaluate("window.__noReload") is True  # the same document all along

    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=-id(?!.*page=2)"))
    expect(rows.first).to_have_attribute("data-task-id", str(apples[-1]))
