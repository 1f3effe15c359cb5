"""LBL-2 in the browser: a config error points the XML editor at its line, without
moving the caret while the manager types, and the marks go once the config is valid."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.helpers import manager_settings_page
from webapp.labeling import NLP_TEMPLATES

BAD = '<View>\n  <Text name="text" value="$text"/>\n  <Bogus/>\n</View>'  # unknown tag on line 3
LINE_3 = (BAD.index("  <Bogus/>"), BAD.index("  <Bogus/>") + len("  <Bogus/>"))
GOOD = '<View>\n  <Text name="text" value="$text"/>\n  <Choices name="c" toName="text"><Choice value="A"/></Choices>\n</View>'


def _type_config(page: Page, xml: str) -> None:
    """Replace the editor's text by typing, as a person would (the preview runs on keyup)."""
    page.locator("#label_config").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(xml)


def _selection(page: Page) -> list[int]:
    return page.locator("#label_config").evaluate("t => [t.selectionStart, t.selectionEnd]")


def test_preview_error_marks_its_line_and_clears_when_fixed__LBL_2(new_page, factory, session):
    page, _ = manager_settings_page(new_page, factory, session, "labeling")
    editor, marker = page.locator("#label_config"), page.locator(".config-error-line")
    expect(editor).not_to_have_attribute("aria-invalid", "true")
    expect(marker).to_be_hidden()

    _type_config(page, BAD)
    expect(page.locator("#config-preview #config-error")).to_contain_text("Line 3:")
    expect(marker).to_have_text("Line 3")
    expect(editor).to_have_attribute("aria-invalid", "true")
    expect(editor).to_have_attribute("aria-describedby", "config-error")
    expect(page.locator(".config-gutter .is-error")).to_have_text("3")
    assert _selection(page) == [len(BAD), len(BAD)]  # typing focus: the caret stays put

    marker.click()
    assert _selection(page) == list(LINE_3)
    expect(editor).to_be_focused()

    _type_config(page, BAD.replace("<View>", "<View>\n<Bogus/>"))  # now on line 2
    expect(marker).to_have_text("Line 2")
    expect(page.locator(".config-gutter .is-error")).to_have_text("2")

    _type_config(page, GOOD)
    expect(page.locator("#config-preview [data-value='A']")).to_be_visible()
    expect(marker).to_be_hidden()
    expect(editor).not_to_have_attribute("aria-invalid", "true")
    expect(editor).not_to_have_attribute("aria-describedby", "config-error")
    expect(page.locator(".config-gutter .is-error")).to_have_count(0)


def test_save_error_selects_its_line_without_taking_focus__LBL_2(new_page, factory, session):
    page, project = manager_settings_page(new_page, factory, session, "labeling")
    _type_config(page, BAD)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field .error")).to_contain_text("line 3:")  # the Save's own message
    expect(page.locator(".config-error-line")).to_have_text("Line 3")
    expect(page.locator("#label_config")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#label_config")).not_to_be_focused()
    assert _selection(page) == list(LINE_3)
    session.refresh(project)
    assert project.label_config == NLP_TEMPLATES["ner"].xml  # nothing stored
