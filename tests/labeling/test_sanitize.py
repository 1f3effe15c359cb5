"""ANN-1 / REV-1: instruction HTML is sanitised: no script, no event handlers."""
from __future__ import annotations

import pytest

from webapp.labeling import sanitize_html


@pytest.mark.parametrize("html, forbidden", [
    ("<p>Hi<script>alert(1)</script></p>", ["<script", "alert"]),
    ('<p onclick="steal()">Hi</p>', ["onclick", "steal"]),
    ('<img src="https://x.org/a.png" onerror="steal()">', ["onerror"]),
    ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', ["alert"]),
    ("<style>body{display:none}</style>ok", ["<style", "display"]),
    ('<iframe src="https://evil.org"></iframe>', ["iframe"]),
    ('<p style="position:fixed">x</p>', ["style"]),
    ('<img src="data:image/svg+xml;base64,AAAA">', ["data:"]),
    ('<img src="/local.png">', ["local.png"]),
])
def test_dangerous_html_removed__ANN_1(html: str, forbidden: list[str]) -> None:
    clean = sanitize_html(html).lower()
    for fragment in forbidden:
        assert fragment.lower() not in clean


def test_formatting_links_tables_and_images_kept__ANN_1() -> None:
    html = ('<h2>Guide</h2><p><b>Bold</b> <em>em</em> <a href="https://x.org">link</a></p>'
            '<ul><li>one</li></ul><table><tr><th>h</th><td colspan="2">c</td></tr></table>'
            '<img src="https://x.org/a.png" alt="pic">')
    clean = sanitize_html(html)
    for fragment in ("<h2>Guide</h2>", "<b>Bold</b>", "<em>em</em>", "<li>one</li>", "<th>h</th>",
                     '<td colspan="2">c</td>', 'src="https://x.org/a.png"', 'alt="pic"'):
        assert fragment in clean
    assert '<a href="https://x.org" rel="noopener noreferrer">link</a>' in clean
