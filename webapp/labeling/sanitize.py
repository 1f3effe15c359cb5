"""HTML sanitising for instructions shown to annotators and reviewers (rules ANN-1, REV-1).

Managers write the HTML but annotators render it, so anything that can run script or
phone home unasked is removed: script/style elements with their content, event
handler and style attributes, and any URL that is not http(s) (mailto for links).
"""
from __future__ import annotations

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}
_LINK_SCHEMES = {"http", "https", "mailto"}


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    """Images load without a click, so only absolute http(s) sources are kept."""
    if tag == "img" and attr == "src" and not value.lower().startswith(("http://", "https://")):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Return ``html`` with only safe formatting, links, tables and http(s) images left."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=_LINK_SCHEMES,
        link_rel="noopener noreferrer",
    )
