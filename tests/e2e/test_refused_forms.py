"""A refused settings form answers 422 and htmx swaps it in with its errors (htmx 2
leaves 4xx responses out unless told; base.html's htmx-config tells it for 422)."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.helpers import log_in
from webapp.models import MLModel, OrgRole


def test_refused_model_form_shows_its_error_without_reload(new_page, factory, session):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    page = new_page()
    log_in(page, manager)
    page.goto(f"/projects/{project.id}/settings/model")
    page.evaluate("window.__noReload = true")
    form = page.locator("form.model-form")
    form.locator("input[name=title]").fill("Refused model")
    form.locator("textarea[name=extra_params]").fill("[1")
    with page.expect_response(lambda r: r.url.endswith("/model/connections")) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 422
    expect(page.locator("#settings-section")).to_contain_text("Not valid JSON")
    expect(page.locator("form.model-form textarea[name=extra_params]")).to_have_value("[1")
    assert page.evaluate("window.__noReload") is True  # swapped in, not a new page
    session.expire_all()
    assert session.scalar(select(MLModel).where(MLModel.title == "Refused model")) is None
