"""Steps the browser tests share: logging in, and selecting text by code-point offsets."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from webapp.accounts import get_or_create_workspace
from webapp.models import OrgRole, User


def log_in(page: Page, user: User) -> None:
    """Through the login form, as a person would."""
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".topnav")).to_contain_text(user.display_name)


def manager_settings_page(new_page, factory, session, section: str):
    """A manager's project (in a shared workspace) with its settings `section` open."""
    manager = factory.user(OrgRole.MANAGER)
    workspace = get_or_create_workspace(session, manager.organization_id, "Team")
    project = factory.project(owner=manager, workspace_id=workspace.id)
    page = new_page()
    log_in(page, manager)
    page.goto(f"/projects/{project.id}/settings/{section}")
    return page, project


def utf16(text: str, code_points: int) -> int:
    """The browser's offset (UTF-16 units) of a Python string index."""
    return len(text[:code_points].encode("utf-16-le")) // 2


# A DOM Range over UTF-16 offsets of a Text object, across the text nodes its marks make;
# a boundary between nodes belongs to the next node for a start, the previous for an end.
_RANGE_AT = """(root, start, end) => {
  const locate = (pos, atEnd) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (atEnd ? pos <= n.data.length : pos < n.data.length) return [n, pos];
      pos -= n.data.length;
    }
  };
  const range = document.createRange();
  range.setStart(...locate(start, false));
  range.setEnd(...locate(end, true));
  return range;
}"""


def _box(page: Page, obj: str, start16: int, end16: int) -> dict:
    script = f"""([name, start, end]) => {{
      const r = ({_RANGE_AT})(document.querySelector(`#obj-${{name}}`), start, end).getClientRects()[0];
      return {{left: r.left, right: r.right, y: r.top + r.height / 2}};
    }}"""
    return page.evaluate(script, [obj, start16, end16])


def drag_select(page: Page, obj: str, text: str, start: int, end: int) -> None:
    """Select text[start:end] (code points) in a Text object with a mouse drag."""
    first = _box(page, obj, utf16(text, start), utf16(text, start + 1))
    last = _box(page, obj, utf16(text, end - 1), utf16(text, end))
    page.mouse.move(first["left"] + 1, first["y"])
    page.mouse.down()
    page.mouse.move(last["right"] - 1, last["y"], steps=5)
    page.mouse.up()


def select_range(page: Page, obj: str, start16: int, end16: int) -> str:
    """Select UTF-16 offsets of a Text object with a DOM Range; returns the selected text."""
    script = f"""([name, start, end]) => {{
      const range = ({_RANGE_AT})(document.querySelector(`#obj-${{name}}`), start, end);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return selection.toString();
    }}"""
    return page.evaluate(script, [obj, start16, end16])
