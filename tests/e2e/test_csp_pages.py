"""Issue 13 point 4 in a real browser: every page of the app loads under its
Content-Security-Policy with zero violations and no script error, and what used to be
inline styles (project and label colours, progress bars, agreement bands) still shows.

The `new_page` fixture watches every page (tests/e2e/browser_watch.py) and fails the test
on any CSP violation; this test makes sure every page is actually visited.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import log_in
from tests.queue.helpers import submit
from webapp.models import OrgRole

pytest.importorskip("playwright")
from playwright.sync_api import Page, expect  # noqa: E402

COLOR = "#0a7f3c"
SETTINGS_TABS = ("general", "labeling", "annotation", "review", "quality", "members", "model",
                 "predictions", "cloud-storage", "webhooks", "danger-zone")


def _span(text: str, word: str) -> dict:
    start = text.index(word)
    return {"id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": start + len(word), "text": word, "labels": ["PER"]}}


def _visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, (path, response and response.status)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
    page.wait_for_load_state("networkidle")  # htmx loads (quality charts, webhook logs) done


def _css_var(page: Page, selector: str, name: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{name}').trim()")


@pytest.fixture
def labeled_project(factory, session):
    """Two annotators who labeled the same tasks (so the quality charts have data) and a
    reviewer, on a project with instructions shown before labeling."""
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager, color=COLOR,
                              expert_instruction="<p>Label <b>people</b>.</p>", show_instruction=True)
    annotators = [factory.user(OrgRole.ANNOTATOR) for _ in range(2)]
    reviewer = factory.user(OrgRole.REVIEWER)
    for user in (*annotators, reviewer):
        factory.member(project, user)
    texts = ["Ada met Charles.", "Grace met Alan.", "Edsger wrote notes.", "Barbara met Tony."]
    tasks = factory.tasks(project, texts, overlap=2)
    for task, text in zip(tasks[:3], texts):
        for annotator in annotators:
            submit(session, task, annotator, result=[_span(text, text.split()[0])])
    return project, manager, annotators, reviewer


def test_every_page_loads_without_csp_violations__issue_13_point_4(new_page, labeled_project) -> None:
    project, manager, annotators, reviewer = labeled_project
    base = f"/projects/{project.id}"

    anonymous = new_page()
    _visit(anonymous, "/login")
    expect(anonymous.locator("#email")).to_be_visible()

    page = new_page()
    log_in(page, manager)
    for path in ("/", "/projects/new", "/account", base, f"{base}/data?q=Ada", f"{base}/import", f"{base}/export",
                 *(f"{base}/settings/{tab}" for tab in SETTINGS_TABS)):
        _visit(page, path)
    expect(page.locator(".page-head")).to_be_visible()

    _visit(page, "/")  # the project card's colour and progress bar, without style attributes
    assert _css_var(page, ".project-card", "--project-color") == COLOR
    expect(page.locator(".project-card progress.progress")).to_have_attribute("value", "3")

    _visit(page, f"{base}/settings/labeling")  # the live preview's label colours
    expect(page.locator(".ed-label").first).to_be_visible()
    assert _css_var(page, ".ed-label", "--label-color") != ""

    _visit(page, f"{base}/settings/quality")  # the range's <output> follows it without oninput
    page.locator("#overlap_cohort_percentage").fill("40")
    expect(page.locator("output[for=overlap_cohort_percentage]")).to_have_text("40%")

    _visit(page, f"{base}/settings/members")  # Enter searches through htmx, without onsubmit
    page.fill(".member-search input[name=q]", reviewer.email)
    page.press(".member-search input[name=q]", "Enter")
    expect(page.locator("#member-search-results")).to_contain_text(reviewer.email)
    expect(page).to_have_url(re.compile(r"/settings/members$"))

    _visit(page, base)  # Data Manager: a filter select refreshes the table through htmx
    page.locator("#dm-filters select").first.select_option(index=1)
    expect(page).to_have_url(re.compile(r"/data\?.*annotator="))

    _visit(page, f"{base}/dashboard")
    expect(page.locator("#quality-summary")).to_be_visible()
    expect(page.locator("#dash-progress progress.progress")).to_be_visible()
    assert page.locator("#quality-summary [class^=band-]").count() > 0

    annotator = new_page()
    log_in(annotator, annotators[0])
    _visit(annotator, f"{base}/stream")
    expect(annotator.locator("#instructions-dialog")).to_be_visible()  # shown before labeling
    annotator.click("#close-instructions")
    expect(annotator.locator("#editor[data-ready='true']")).to_be_visible()
    assert _css_var(annotator, "#stream-status", "--project-color") == COLOR
    _visit(annotator, f"{base}/my-work")

    review = new_page()
    log_in(review, reviewer)
    _visit(review, f"{base}/review")
    expect(review.locator(".rv-annotation.is-current")).to_be_visible()

    assert page.goto("/no-such-page").status == 404  # the error page, under the same policy
    expect(page.locator("h1")).to_have_text("Error 404")
