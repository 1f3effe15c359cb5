"""What a page did that it must not (issue 13 point 4): Content-Security-Policy violations,
seen both as `securitypolicyviolation` events and as Chromium's console reports, and
uncaught script errors. Every page `new_page` opens is watched (see conftest.py), so the
whole browser suite runs under the app's CSP and fails on the first refused script or style.
"""
from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page

# Runs in every document before the page's own scripts (DevTools injects it, outside the CSP).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__quorumCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} `
    + `at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
}, true);
"""


class BrowserWatch:
    def __init__(self, page: Page) -> None:
        self.violations: list[str] = []
        self.errors: list[str] = []
        page.expose_function("__quorumCspViolation", self._violation)
        page.add_init_script(_REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _violation(self, report: str) -> None:
        self.violations.append(report)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"console: {message.text}")

    def assert_clean(self) -> None:
        assert not self.violations, "CSP violations:\n" + "\n".join(self.violations)
        assert not self.errors, "uncaught page errors:\n" + "\n".join(self.errors)
