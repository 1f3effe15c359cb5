"""The hostile-input suite's XSS part (issue 13, "Done when"): classic payloads stored in
every user-controlled field that a page renders, then every such page opened in Chromium.

A dialog opening fails the test (the payloads call alert). That alone could pass because
the Content-Security-Policy blocked a script the app let through, so the test also asks
for the payloads to be inert markup: no element carries an on* handler or a javascript:
URL, no inline script exists, every JSON island still parses and holds the payload as
text, and the escaped fields show the payload literally. The `new_page` fixture fails the
test on any CSP violation (tests/e2e/browser_watch.py): none may be needed to stop them.
"""
from __future__ import annotations

import json
from xml.sax.saxutils import quoteattr

import pytest
from sqlalchemy import select

from tests.e2e.helpers import log_in
from tests.queue.helpers import submit
from webapp.models import Annotation, OrgRole, RejectOption, Task

pytest.importorskip("playwright")
from playwright.sync_api import APIResponse, Page, expect  # noqa: E402

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
JS_URL = "javascript:alert(1)"
BREAKOUT = "</script><script>alert(1)</script>"
TEXT = f"{SCRIPT} {IMG} {SVG} {JS_URL} {BREAKOUT} '-alert(1)-'"  # for fields shown as text
HTML = (f'<p>Read me</p>{SCRIPT}{IMG}<svg onload="alert(1)"></svg><a href="{JS_URL}">link</a>'
        f'<iframe src="{JS_URL}"></iframe><p onclick="alert(1)" style="color:red">x</p>')
LABELS = (SCRIPT, SVG)
CHOICES = (IMG, BREAKOUT)
CONFIG = f"""<View>
  <Text name="text" value="$text"/>
  <HyperText name="page" value="$html"/>
  <Labels name="label" toName="text">
    <Label value={quoteattr(LABELS[0])} background="#ff0000"/>
    <Label value={quoteattr(LABELS[1])}/>
  </Labels>
  <Choices name="choice" toName="text">
    {"".join(f"<Choice value={quoteattr(c)}/>" for c in CHOICES)}
  </Choices>
  <TextArea name="note" toName="text"/>
</View>"""

# Anything executable the payloads could have left in the page.
_ACTIVE_MARKUP = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) found.push(`${el.tagName} ${a.name}`);
      if (/^(href|src|action|formaction|xlink:href|data)$/i.test(a.name) && /^\\s*javascript:/i.test(a.value))
        found.push(`${el.tagName} ${a.name}=${a.value}`);
    }
    if (el.tagName === "SCRIPT" && !el.src && el.type !== "application/json") found.push(`inline script ${el.text}`);
    if (["IFRAME", "OBJECT", "EMBED"].includes(el.tagName)) found.push(el.tagName);
  }
  return found;
}"""
_JSON_ISLANDS = """() => [...document.querySelectorAll('script[type="application/json"]')]
  .map((s) => JSON.stringify(JSON.parse(s.textContent)))"""


def _result(text: str) -> list[dict]:
    start = text.index(SCRIPT)
    return [
        {"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": start + len(SCRIPT), "text": SCRIPT, "labels": [LABELS[0]]}},
        {"id": "c1", "from_name": "choice", "to_name": "text", "type": "choices", "value": {"choices": [CHOICES[1]]}},
        {"id": "n1", "from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": [TEXT]}},
    ]


def _send(page: Page, method: str, path: str, **kwargs) -> APIResponse:
    """A write as the page's user: their session cookie and the page's CSRF token."""
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    response = page.request.fetch(path, method=method, headers={"X-CSRFToken": token}, **kwargs)
    assert response.status in (200, 201, 302), (path, response.status, response.text())
    return response


class Inspector:
    """Opens pages, failing on any dialog, and checks that the payloads stayed inert."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def open(self, path: str) -> Page:
        response = self.page.goto(path)
        assert response is not None and response.ok, (path, response and response.status)
        # The second line of defence is in place too, though the test needs it to stop nothing.
        assert "script-src 'self';" in response.headers["content-security-policy"], path
        self.page.wait_for_load_state("networkidle")  # htmx loads (charts, logs) done
        self.check()
        return self.page

    def check(self) -> list[str]:
        """Also returns the page's JSON islands, each parsed (a broken one raises here)."""
        assert self.dialogs == []
        assert self.page.evaluate(_ACTIVE_MARKUP) == [], self.page.url
        return self.page.evaluate(_JSON_ISLANDS)


@pytest.fixture
def hostile_project(new_page, factory, session, app, monkeypatch):
    """Every rendered user field holding a payload, written through the app's own forms and
    API where it has one (so whatever cleaning the app does on input is part of the test)."""
    monkeypatch.setitem(app.config, "QUORUM_ALLOW_PRIVATE_NETWORKS", "1")  # the webhook's host
    manager, annotator, reviewer = (factory.user(role) for role in (OrgRole.MANAGER, OrgRole.ANNOTATOR, OrgRole.REVIEWER))
    for user in (manager, annotator, reviewer):
        user.name = f"{user.org_role.value} {TEXT}"
    project = factory.project(owner=manager, reject_option=RejectOption.REQUEUE)
    for user in (annotator, reviewer):
        factory.member(project, user)

    page = new_page()
    log_in(page, manager)
    base = f"/projects/{project.id}"
    _send(page, "PATCH", f"/api/projects/{project.id}", data={
        "title": TEXT[:200], "description": TEXT, "label_config": CONFIG,
        "expert_instruction": HTML, "show_instruction": True,
        "review_instruction": HTML, "show_review_instruction": True,
    })
    _send(page, "POST", f"{base.replace('/projects', '/api/projects')}/import",
          data=[{"text": f"Hello {TEXT} world", "html": HTML} for _ in range(3)])
    _send(page, "POST", f"{base}/data/tabs", form={"title": TEXT})
    _send(page, "POST", "/api/webhooks", data={"project": project.id, "url": f"http://127.0.0.1:9/{SVG}{SCRIPT}"})
    _send(page, "POST", "/api/storages/s3", data={
        "project": project.id, "title": TEXT, "bucket": "bucket", "access_key_id": "AKIAEXAMPLE", "secret": "s3cret",
    })

    session.rollback()  # see what the server committed
    tasks = session.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.id)).all()
    for task in tasks[:2]:
        submit(session, task, annotator, result=_result(task.data["text"]), comment=TEXT)
    rejected = session.scalars(select(Annotation).where(Annotation.task_id == tasks[0].id)).one()
    reviewer_page = new_page()
    log_in(reviewer_page, reviewer)
    _send(reviewer_page, "POST", f"/api/annotations/{rejected.id}/reviews", data={"accepted": False, "comment": TEXT})
    return project, page, annotator, reviewer_page


def test_stored_xss_payloads_stay_inert_on_every_page__issue_13_hostile_input(new_page, hostile_project) -> None:
    project, page, annotator, reviewer_page = hostile_project
    base = f"/projects/{project.id}"

    manager = Inspector(page)
    index = manager.open("/")
    expect(index.locator(".project-card h2")).to_have_text(TEXT[:200])  # escaped, shown as text
    expect(index.locator(".project-card .muted")).to_contain_text(SCRIPT)
    detail = manager.open(base)  # the Data Manager: task text, the saved tab
    expect(detail.locator("#tasks tbody tr").first).to_contain_text(SCRIPT)  # the data preview, as text
    expect(detail.locator("#tasks tbody tr").first).to_contain_text(IMG)
    expect(detail.locator(".dm-tab").first).to_contain_text(SCRIPT)
    for path in ("/account", f"{base}/dashboard", f"{base}/export", f"{base}/settings/members",
                 f"{base}/settings/labeling", f"{base}/settings/annotation", f"{base}/settings/review",
                 f"{base}/settings/general"):
        manager.open(path)
    expect(manager.open(f"{base}/settings/webhooks").locator("#settings-section")).to_contain_text(SVG)
    expect(manager.open(f"{base}/settings/cloud-storage").locator("#settings-section")).to_contain_text(SCRIPT)

    labeler = Inspector(new_page())
    log_in(labeler.page, annotator)
    stream = labeler.open(f"{base}/stream")
    expect(stream.locator("#instructions-dialog")).to_be_visible()  # sanitized instructions
    expect(stream.locator("#instructions-dialog")).to_contain_text("Read me")
    stream.click("#close-instructions")
    expect(stream.locator("#editor[data-ready='true']")).to_be_visible()
    expect(stream.locator("#fix-comment")).to_have_text(TEXT)  # the reviewer's comment
    expect(stream.locator(".ed-label").first).to_contain_text(LABELS[0])
    expect(stream.locator(".ed-hypertext")).to_contain_text("Read me")
    expect(stream.locator(".ed-text")).to_contain_text(BREAKOUT)
    assert any(json.dumps(BREAKOUT)[1:-1] in island for island in labeler.check())  # the editor's state
    labeler.open(f"{base}/my-work")

    reviewing = Inspector(reviewer_page)
    review = reviewing.open(f"{base}/review")
    expect(review.locator(".rv-annotation.is-current")).to_be_visible()  # review.js read the JSON island
    expect(review.locator(".rv-annotation.is-current")).to_contain_text(TEXT)  # the text area's answer
    assert any(json.dumps(BREAKOUT)[1:-1] in island for island in reviewing.check())  # the result JSON
