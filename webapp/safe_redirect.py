"""`next=` targets: only a path on this site, judged the way a browser would read it."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit


def local_path(target: str) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers drop tabs and newlines inside a URL and read `\\` as `/`, so `/\\t/evil.example`
    or `/\\evil` would leave the site although they start with one slash. Such characters
    refuse the target, in its raw form and percent-decoded (`/%2F%2Fevil` decodes to `///evil`).
    """
    return target if all(_is_local(form) for form in (target, unquote(target))) else None


def _is_local(url: str) -> bool:
    if not url.startswith("/") or url.startswith("//"):
        return False
    if "\\" in url or not url.isprintable():
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc
