"""The label stream in a real browser: keyboard labeling, submit, export (LBL-1, ANN-1,
ANN-7, OPT-2), and span offsets across astral characters (LBL-1)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.e2e.helpers import drag_select, log_in, select_range, utf16
from webapp.models import Annotation, Draft, OrgRole

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

NER_TASKS = [
    ("Ada Lovelace met Charles Babbage.", "Ada Lovelace", "p", "PER"),
    ("Grace Hopper worked at Harvard today.", "Harvard", "o", "ORG"),
    ("Alan Turing lived in Wilmslow for years.", "Wilmslow", "l", "LOC"),
]


@pytest.fixture
def people(factory):
    return factory.user(OrgRole.MANAGER), factory.user(OrgRole.ANNOTATOR)


def _ner_project(factory, manager, annotator, texts, **settings):
    project = factory.project(owner=manager, template="ner", **settings)
    tasks = factory.tasks(project, texts)
    factory.member(project, annotator)
    return project, tasks


def _annotations(session, project_id):
    session.rollback()  # see what the server committed
    return session.scalars(
        select(Annotation).where(Annotation.project_id == project_id).order_by(Annotation.task_id)
    ).all()


def test_annotator_labels_by_keyboard_and_manager_exports__LBL_1(new_page, factory, session, people) -> None:
    manager, annotator = people
    project, tasks = _ner_project(factory, manager, annotator, [t[0] for t in NER_TASKS])

    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{project.id}")
    page.click("#label-all")
    for task, (text, word, key, label) in zip(tasks, NER_TASKS):
        expect(page.locator("#editor[data-ready='true']")).to_have_attribute("data-task-id", str(task.id))
        page.keyboard.press(key)  # pick the label by its hotkey
        expect(page.locator(f".ed-label[data-hotkey='{key}']")).to_have_attribute("aria-pressed", "true")
        start = text.index(word)
        drag_select(page, "text", text, start, start + len(word))
        expect(page.locator("#region-list .ed-region-text")).to_have_text([word])
        expect(page.locator(f"#obj-text mark[data-region-id]")).to_have_text(word)
        page.keyboard.press("Control+Enter")
    expect(page.locator("#stream-done")).to_contain_text("No more tasks")

    manager_page = new_page()
    log_in(manager_page, manager)
    response = manager_page.request.get(f"/projects/{project.id}/export/download?exportType=JSON")
    assert response.ok, response.text()
    exported = {entry["id"]: entry for entry in response.json()}
    for task, (text, word, _key, label) in zip(tasks, NER_TASKS):
        [annotation] = exported[task.id]["annotations"]
        [item] = annotation["result"]
        start = text.index(word)
        assert annotation["completed_by"] == annotator.id and not annotation["was_cancelled"]
        assert annotation["lead_time"] > 0
        assert (item["from_name"], item["to_name"], item["type"]) == ("label", "text", "labels")
        assert item["value"] == {"start": start, "end": start + len(word), "text": word, "labels": [label]}


def test_choices_by_digit_hotkeys__LBL_1(new_page, factory, session, people) -> None:
    manager, annotator = people
    project = factory.project(owner=manager, template="text_classification")
    tasks = factory.tasks(project, ["Great phone.", "Awful battery."])
    factory.member(project, annotator)

    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{project.id}/stream")
    for task, digit in zip(tasks, ["1", "2"]):
        expect(page.locator("#editor[data-ready='true']")).to_have_attribute("data-task-id", str(task.id))
        page.keyboard.press("3")
        page.keyboard.press(digit)  # single choice: the second key replaces the first
        expect(page.locator(".ed-choice[aria-pressed='true']")).to_have_count(1)
        page.keyboard.press("Control+Enter")
    expect(page.locator("#stream-done")).to_be_visible()
    results = [a.result for a in _annotations(session, project.id)]
    assert [r[0]["value"] for r in results] == [{"choices": ["Positive"]}, {"choices": ["Negative"]}]


def test_astral_characters_store_code_point_offsets__LBL_1(new_page, factory, session, people) -> None:
    text = "I ❤️ 🐍 in NYC 𝔘"
    manager, annotator = people
    project, _ = _ner_project(factory, manager, annotator, [text])
    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{project.id}/stream")
    expect(page.locator("#editor[data-ready='true']")).to_be_visible()

    # Select first, then press the label's hotkey.
    nyc = text.index("NYC")
    assert select_range(page, "text", utf16(text, nyc), utf16(text, nyc + 3)) == "NYC"
    page.keyboard.press("l")
    snake = text.index("🐍")
    assert select_range(page, "text", utf16(text, snake), utf16(text, snake + 1)) == "🐍"
    page.keyboard.press("m")
    # Pick the label, then drag over the last (astral) character.
    page.keyboard.press("o")
    drag_select(page, "text", text, len(text) - 1, len(text))
    expect(page.locator("#region-list .ed-region-text")).to_have_text(["🐍", "NYC", "𝔘"])
    page.keyboard.press("Meta+Enter")
    expect(page.locator("#stream-done")).to_be_visible()

    [annotation] = _annotations(session, project.id)
    spans = sorted((i["value"]["start"], i["value"]["end"], i["value"]["text"], i["value"]["labels"][0])
                   for i in annotation.result)
    assert spans == [(5, 6, "🐍", "MISC"), (10, 13, "NYC", "LOC"), (14, 15, "𝔘", "ORG")]
    assert all(text[start:end] == word for start, end, word, _ in spans)


def test_draft_restored_after_reload__ANN_7(new_page, factory, session, people) -> None:
    manager, annotator = people
    text = "Ada Lovelace met Charles Babbage."
    project, [task] = _ner_project(factory, manager, annotator, [text])
    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{project.id}/stream")
    page.keyboard.press("p")
    draft_url = f"/tasks/{task.id}/draft"  # outside the callback: it runs without an app context
    with page.expect_response(lambda r: r.url.endswith(draft_url)) as saved:
        drag_select(page, "text", text, 17, 32)
    assert saved.value.ok
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")

    page.reload()
    expect(page.locator("#restored-from")).to_have_text("Draft restored")
    expect(page.locator("#region-list .ed-region-text")).to_have_text(["Charles Babbage"])
    expect(page.locator("#obj-text mark")).to_have_text("Charles Babbage")
    session.rollback()
    draft = session.scalar(select(Draft).where(Draft.task_id == task.id))
    assert draft.result[0]["value"]["start"] == 17 and draft.lead_time > 0


def test_region_select_and_delete_by_keyboard__LBL_1(new_page, factory, session, people) -> None:
    manager, annotator = people
    text = "Ada Lovelace met Charles Babbage."
    project, _ = _ner_project(factory, manager, annotator, [text], enable_empty_annotation=False)
    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{project.id}/stream")
    page.keyboard.press("p")
    drag_select(page, "text", text, 0, 12)
    drag_select(page, "text", text, 4, 12)  # nested inside the first
    expect(page.locator("#region-list .ed-region-item")).to_have_count(2)
    expect(page.locator("#obj-text mark mark")).to_have_text("Lovelace")
    page.locator("#region-list .ed-region-item").first.click()
    page.keyboard.press("Delete")
    expect(page.locator("#region-list .ed-region-text")).to_have_text(["Lovelace"])
    page.locator("#region-list .ed-region-item").first.click()
    page.keyboard.press("Backspace")
    expect(page.locator("#region-list .ed-region-item")).to_have_count(0)

    # OPT-2: the refusal is shown and the editor keeps the task.
    page.keyboard.press("Control+Enter")
    expect(page.locator("#ed-error")).to_contain_text("Empty annotations are not allowed")
    expect(page.locator("#editor")).to_be_visible()
    assert _annotations(session, project.id) == []


def test_instructions_pop_up_on_entry__ANN_1(new_page, factory, session, people) -> None:
    manager, annotator = people
    project, _ = _ner_project(factory, manager, annotator, ["Ada"], show_instruction=True,
                              expert_instruction="<p>Mark <b>people</b>.</p><script>window.bad=1</script>")
    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{project.id}/stream")
    dialog = page.locator("#instructions-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Mark people.")
    page.keyboard.press("p")  # hotkeys do nothing while a dialog is open
    expect(page.locator(".ed-label[aria-pressed='true']")).to_have_count(0)
    page.click("#close-instructions")
    expect(dialog).to_be_hidden()
    assert page.evaluate("window.bad") is None
    page.click("#show-instructions")
    expect(dialog).to_be_visible()


def test_skip_asks_for_comment__OPT_5(new_page, factory, session, people) -> None:
    manager, annotator = people
    project, tasks = _ner_project(factory, manager, annotator, ["Ada", "Grace"], require_comment_on_skip=True)
    page = new_page()
    log_in(page, annotator)
    page.goto(f"/projects/{project.id}/stream")
    page.click("#ed-skip")
    page.fill("#skip-comment", "Too short to label")
    page.click("#skip-confirm")
    expect(page.locator("#editor[data-ready='true']")).to_have_attribute("data-task-id", str(tasks[1].id))
    [skipped] = _annotations(session, project.id)
    assert skipped.task_id == tasks[0].id and skipped.was_cancelled
