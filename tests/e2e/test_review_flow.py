"""The review stream in a real browser (REV-2, REV-3): a reviewer accepts one annotation,
rejects-requeues another (the annotator fixes and resubmits it, the reviewer accepts it),
and rejects-removes a third."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.e2e.helpers import drag_select, log_in
from tests.queue.helpers import submit
from webapp.models import Annotation, OrgRole, RejectOption, Review, ReviewState, Task

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

TEXTS = ["Ada Lovelace met Charles Babbage.", "Grace Hopper met Alan Turing.", "Spam spam spam."]


def _span(text: str, word: str) -> dict:
    start = text.index(word)
    return {"id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": start + len(word), "text": word, "labels": ["PER"]}}


def _annotations(session, project_id) -> dict[int, Annotation]:
    session.rollback()  # see what the server committed
    rows = session.scalars(select(Annotation).where(Annotation.project_id == project_id))
    return {a.task_id: a for a in rows}


def _showing(page, task_id: int) -> None:
    expect(page.locator("#review-status")).to_have_attribute("data-task-id", str(task_id))
    expect(page.locator(".rv-annotation.is-current")).to_be_visible()  # review.js is ready


def test_reviewer_accepts_requeues_and_removes__REV_3(new_page, factory, session) -> None:
    manager = factory.user(OrgRole.MANAGER)
    annotator, reviewer = factory.user(OrgRole.ANNOTATOR), factory.user(OrgRole.REVIEWER)
    project = factory.project(owner=manager, reject_option=RejectOption.REVIEWER_CHOOSES,
                              require_comment_on_reject=True)
    for user in (annotator, reviewer):
        factory.member(project, user)
    tasks = factory.tasks(project, TEXTS)
    for task, text in zip(tasks, TEXTS):
        submit(session, task, annotator, result=[_span(text, text.split()[0])])
    accepted, requeued, removed = tasks

    rpage = new_page()
    log_in(rpage, reviewer)
    rpage.goto(f"/projects/{project.id}")
    rpage.click("#review-all")
    _showing(rpage, accepted.id)
    expect(rpage.locator(".rv-annotation .rv-span")).to_have_text(["Ada"])
    rpage.keyboard.press("Alt+a")  # accept by shortcut

    _showing(rpage, requeued.id)
    rpage.keyboard.press("Alt+r")  # reject by shortcut: the comment dialog opens
    expect(rpage.locator("#reject-dialog")).to_be_visible()
    rpage.fill("#reject-comment", "Label both people")
    rpage.click("#reject-requeue")

    _showing(rpage, removed.id)
    rpage.click(".rv-annotation.is-current .rv-reject")
    rpage.click("#reject-remove")  # REV-7: no comment, the browser and server refuse
    expect(rpage.locator("#reject-dialog")).to_be_visible()
    rpage.fill("#reject-comment", "Not a sentence about people")
    rpage.click("#reject-remove")
    expect(rpage.locator("#review-done")).to_be_visible()

    stored = _annotations(session, project.id)
    assert stored[accepted.id].review_state is ReviewState.ACCEPTED
    assert stored[requeued.id].review_state is ReviewState.REJECTED_REQUEUED
    assert stored[removed.id].was_cancelled and stored[removed.id].review_state is ReviewState.REJECTED_REMOVED

    # The annotator gets the requeued task back with the comment and their own result.
    apage = new_page()
    log_in(apage, annotator)
    apage.goto(f"/projects/{project.id}/stream")
    expect(apage.locator("#editor[data-ready='true']")).to_have_attribute("data-task-id", str(requeued.id))
    expect(apage.locator("#fix-comment")).to_have_text("Label both people")
    expect(apage.locator("#region-list .ed-region-text")).to_have_text(["Grace"])
    apage.keyboard.press("p")
    text = TEXTS[1]
    drag_select(apage, "text", text, text.index("Alan"), len(text) - 1)
    expect(apage.locator("#region-list .ed-region-text")).to_have_text(["Grace", "Alan Turing"])
    apage.keyboard.press("Control+Enter")
    expect(apage.locator("#stream-done")).to_be_visible()
    assert _annotations(session, project.id)[requeued.id].review_state is ReviewState.PENDING

    # Back to review: the reviewer accepts the fixed annotation.
    rpage.reload()
    _showing(rpage, requeued.id)
    expect(rpage.locator(".rv-annotation .rv-span")).to_have_text(["Grace", "Alan Turing"])
    rpage.click(".rv-annotation.is-current .rv-accept")
    expect(rpage.locator("#review-done")).to_be_visible()
    final = _annotations(session, project.id)[requeued.id]
    assert final.review_state is ReviewState.ACCEPTED and not final.was_cancelled
    assert [i["value"]["text"] for i in final.result] == ["Grace", "Alan Turing"]


def _one_submitted_task(factory, session, result):
    """A project whose one task an annotator submitted; its reviewer to log in."""
    manager, annotator, reviewer = (factory.user(r) for r in (OrgRole.MANAGER, OrgRole.ANNOTATOR, OrgRole.REVIEWER))
    project = factory.project(owner=manager)
    for user in (annotator, reviewer):
        factory.member(project, user)
    [task] = factory.tasks(project, TEXTS[:1])
    submit(session, task, annotator, result=result)
    return project, reviewer, task


def test_reviewer_fixes_and_accepts_in_the_editor__REV_3(new_page, factory, session) -> None:
    original = [_span(TEXTS[0], "Ada")]
    project, reviewer, task = _one_submitted_task(factory, session, original)

    page = new_page()
    log_in(page, reviewer)
    page.goto(f"/projects/{project.id}/review")
    _showing(page, task.id)
    page.click(".rv-annotation.is-current .rv-fix")
    expect(page.locator("#fix-editor #region-list .ed-region-text")).to_have_text(["Ada"])
    page.keyboard.press("p")
    drag_select(page, "text", TEXTS[0], 17, 32)
    expect(page.locator("#fix-editor #region-list .ed-region-text")).to_have_text(["Ada", "Charles Babbage"])
    page.click("#fix-save")
    expect(page.locator("#review-done")).to_be_visible()
    session.rollback()
    stored = session.scalar(select(Annotation).where(Annotation.task_id == task.id))
    assert stored.review_state is ReviewState.ACCEPTED
    assert [i["value"]["text"] for i in stored.result] == ["Ada", "Charles Babbage"]
    [review] = session.scalars(select(Review).where(Review.annotation_id == stored.id)).all()
    assert review.previous_result == original  # the annotator's version is kept


def test_reviewer_marks_ground_truth_in_the_stream__REV_4(new_page, factory, session) -> None:
    project, reviewer, task = _one_submitted_task(factory, session, [_span(TEXTS[0], "Ada")])
    [annotation] = _annotations(session, project.id).values()
    assert not annotation.ground_truth and not task.has_ground_truth

    page = new_page()
    log_in(page, reviewer)
    page.goto(f"/projects/{project.id}/review")
    _showing(page, task.id)
    card = page.locator(f"#annotation-{annotation.id}")
    expect(card.locator("[data-ground-truth]")).to_have_count(0)
    card.get_by_role("button", name="Mark as ground truth").click()

    # The htmx swap shows the same step again, the annotation now badged and unmarkable.
    expect(card.locator("[data-ground-truth]")).to_have_text("Ground truth")
    expect(card.get_by_role("button", name="Unmark ground truth")).to_be_visible()
    _showing(page, task.id)  # still pending review, and review.js selected it again
    stored = _annotations(session, project.id)[task.id]
    assert stored.ground_truth and session.get(Task, task.id).has_ground_truth
    assert stored.review_state is ReviewState.PENDING  # marking is not a review decision
