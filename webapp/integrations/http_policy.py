"""Outbound request safety for webhooks, ML backends and proxy-credential fetches.

Default: private, loopback, link-local and other non-public addresses are refused, so a
project manager cannot make the server probe its own network (SSRF). Config:
QUORUM_ALLOW_PRIVATE_NETWORKS=true allows them all; QUORUM_OUTBOUND_ALLOWLIST (comma
separated hostnames, IPs or CIDRs) allows chosen ones. Redirects are followed by hand,
each hop checked again.

Credentials stay with their origin: a redirect to another scheme, host or port (except
http to https on the same host) is followed without the caller's headers (Authorization,
API keys, webhook signatures), basic auth or cookies, and is refused when it would re-send
the request body (307/308), which may carry secrets too (a proxy password in /predict).
requests alone strips only Authorization, and only on some host changes.

No DNS rebinding: a host is resolved once, every address it resolves to is checked, and the
connection then goes to the checked address itself (pinned_transport.py), never to a second
answer of the resolver; the Host header, TLS SNI and certificate check keep the hostname.
Proxies from the environment are not used: they would resolve the host themselves.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from webapp.integrations.pinned_transport import Address, pinned_session

MAX_REDIRECTS = 3
DEFAULT_PORTS = {"http": 80, "https": 443}
# The only caller headers that follow a redirect to another origin: none of them a secret.
CROSS_ORIGIN_HEADERS = frozenset({"accept", "content-type", "user-agent"})
BODY_KWARGS = ("data", "json", "files")


class ForbiddenDestination(ValueError):
    """The URL's scheme or host is not allowed by the outbound policy."""


@dataclass(frozen=True)
class OutboundPolicy:
    allow_private: bool = False
    allowlist: tuple[str, ...] = ()
    timeout: float = 10.0  # seconds, connect and read each

    def _allowlisted(self, host: str, address: ipaddress._BaseAddress) -> bool:
        for entry in self.allowlist:
            if entry.lower() == host.lower():
                return True
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
        return False

    def check_url(self, url: str) -> Address:
        """Resolve the URL's host once; refuse it unless every address is allowed; answer
        the address to connect to."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ForbiddenDestination("Only http:// and https:// URLs with a host are allowed.")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError as exc:
            raise ForbiddenDestination(f"Cannot resolve host {parts.hostname!r}.") from exc
        return self.check_host(parts.hostname, port)

    def check_host(self, host: str, port: int) -> Address:
        """The same check for a destination that is no URL (a Redis server): resolve once,
        refuse unless every address is allowed, answer the address to connect to."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, ValueError) as exc:
            raise ForbiddenDestination(f"Cannot resolve host {host!r}.") from exc
        if not infos:
            raise ForbiddenDestination(f"Cannot resolve host {host!r}.")
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if address.is_global or self.allow_private or self._allowlisted(host, address):
                continue
            raise ForbiddenDestination(
                f"{host} resolves to the non-public address {address}; "
                "allow it with QUORUM_OUTBOUND_ALLOWLIST or QUORUM_ALLOW_PRIVATE_NETWORKS."
            )
        return Address(infos[0][0], infos[0][4])


def policy_from_config(config: Mapping) -> OutboundPolicy:
    raw = config.get("QUORUM_OUTBOUND_ALLOWLIST", "")
    entries = raw if isinstance(raw, (list, tuple)) else raw.split(",")
    allow = config.get("QUORUM_ALLOW_PRIVATE_NETWORKS", False)
    return OutboundPolicy(
        allow_private=str(allow).lower() in ("1", "true", "yes"),
        allowlist=tuple(e.strip() for e in entries if e.strip()),
        timeout=float(config.get("QUORUM_OUTBOUND_TIMEOUT", 10.0)),
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def same_origin(old: str, new: str) -> bool:
    """Whether credentials for `old` may go to `new`: the same origin, or its https upgrade."""
    before, after = _origin(old), _origin(new)
    return before == after or (before == ("http", after[1], 80) and after[0] == "https" and after[2] == 443)


def _without_credentials(kwargs: dict) -> dict:
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() in CROSS_ORIGIN_HEADERS}
    return {**{k: v for k, v in kwargs.items() if k not in ("auth", "cookies")}, "headers": headers}


def safe_request(policy: OutboundPolicy, method: str, url: str, **kwargs) -> requests.Response:
    """One request under the policy, sent to the checked address; redirects followed only
    to allowed hosts, each hop resolved, checked and pinned again, and carrying no
    credentials to another origin."""
    for _ in range(MAX_REDIRECTS + 1):
        address = policy.check_url(url)
        with pinned_session(address) as session:
            response = session.request(method, url, timeout=policy.timeout, allow_redirects=False, **kwargs)
        if not response.is_redirect:
            return response
        target = urljoin(url, response.headers["Location"])
        if response.status_code in (301, 302, 303) and method != "HEAD":
            method, kwargs = "GET", {k: v for k, v in kwargs.items() if k not in BODY_KWARGS}
        if not same_origin(url, target):
            if any(kwargs.get(k) is not None for k in BODY_KWARGS):
                raise ForbiddenDestination(f"{url} redirected to another host ({_origin(target)[1]}); "
                                           "the request and its credentials are not re-sent there.")
            kwargs = _without_credentials(kwargs)
        url = target
    raise ForbiddenDestination(f"More than {MAX_REDIRECTS} redirects.")
