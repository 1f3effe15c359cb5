"""Security headers on every response (issue 13 point 4).

One `after_request` hook rather than flask-talisman: the policy is a fixed set of headers
with no per-route exceptions and no nonces (the templates carry no inline script or style,
so none are needed), while Talisman would also take over HTTPS redirects and session
cookie flags, which the deployment and `webapp/config.py` own. `after_request` runs for
pages, htmx partials, API JSON, error pages (HTTP errors and the 500 handler) and static
files alike, so nothing escapes it.

The Content-Security-Policy allows only the app's own scripts and styles: no inline
script, no eval, no `style="..."` attributes (server-computed colours and widths reach the
page as data attributes that static/js/app.js applies through CSSOM, which CSP allows).
`frame-ancestors 'none'` and `X-Frame-Options` stop clickjacking (the danger zone among
others); `nosniff` keeps a stored upload from being run as script or style.
"""
from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # Remote images in task HTML or instructions are not loaded: a labeler's browser never
    # calls a third party (a tracking pixel in imported data). data: for inline icons.
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# A year, the value HSTS preload lists ask for. Sent only on a request that came over
# HTTPS (directly, or through a proxy trusted with ProxyFix): a browser ignores it over
# plain HTTP, and a development server on http://localhost must stay reachable.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def init_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
