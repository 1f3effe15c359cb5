"""An S3 storage's custom endpoint gets no DNS rebinding: its client connects to the address
the outbound policy checked, with no second lookup, path-style, and is rebuilt when the
endpoint's checked address changes.

The endpoint is a name, s3.rebind.test, answered by a fake resolver: the policy check gets
the current "checked" address (allowlisted loopback, where moto listens); any other lookup of
the name - urllib3 resolving it again to connect - is recorded as a leak and answered with
127.0.0.2, a loopback address the allowlist refuses and where nothing listens. That is the
rebinding attack: a request that resolved the name again would go there and fail."""
from __future__ import annotations

import socket
import sys
from urllib.parse import quote, urlsplit

import boto3
import botocore.httpsession
import pytest
from urllib3 import PoolManager

from tests.factories import login
from tests.moto_s3 import start_moto
from webapp.integrations.pinned_transport import Address, pinned_session
from webapp.io.storage import s3
from webapp.io.storage.base import StorageError
from webapp.io.storage.sync import StorageSettings, create_storage, sync_storage
from webapp.models import OrgRole

HOST = "s3.rebind.test"
BUCKET = "pinned"
OBJECT = f"s3://{BUCKET}/docs/a.txt"
BODY = b"Margaret Hamilton wrote the Apollo guidance software."
SECRET = "pinned-secret"
KEY_ID = "AKIDPINNED"
ALLOWLIST = "127.0.0.1,127.0.0.3"  # 127.0.0.2, the rebinding answer, stays forbidden
_REAL_GETADDRINFO = socket.getaddrinfo


def _fill(port: int, ip: str = "127.0.0.1") -> None:
    """The bucket and its object (moto's state is per process, shared by all its servers)."""
    raw = boto3.client("s3", endpoint_url=f"http://{ip}:{port}", region_name="us-east-1",
                       aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)
    if BUCKET not in [b["Name"] for b in raw.list_buckets()["Buckets"]]:
        raw.create_bucket(Bucket=BUCKET)
    raw.put_object(Bucket=BUCKET, Key="docs/a.txt", Body=BODY)


@pytest.fixture(scope="module")
def moto_port():
    server, port = start_moto()
    _fill(port)
    yield port
    server.stop()


@pytest.fixture(autouse=True)
def moto_path_style(monkeypatch):
    """moto would read the first label of s3.rebind.test as a bucket name; this endpoint is
    path-style only (virtual-hosted requests are caught by _assert_path_style instead)."""
    from moto import settings

    monkeypatch.setattr(settings, "S3_IGNORE_SUBDOMAIN_BUCKETNAME", True)


class Resolver:
    """socket.getaddrinfo for HOST: the policy's lookups get `checked`, any other is a leak."""

    def __init__(self) -> None:
        self.checked = "127.0.0.1"
        self.policy_lookups = 0
        self.leaks: list[str] = []  # the module of each lookup that was not the policy's

    def __call__(self, host, port, *args, **kwargs):
        if host != HOST:
            return _REAL_GETADDRINFO(host, port, *args, **kwargs)
        caller = sys._getframe(1).f_globals.get("__name__", "?")
        if caller == "webapp.integrations.http_policy":
            self.policy_lookups += 1
            ip = self.checked
        else:
            self.leaks.append(caller)
            ip = "127.0.0.2"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, int(port)))]


@pytest.fixture
def resolver(monkeypatch):
    fake = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture
def sent(monkeypatch):
    """The URL of every request botocore sends, in order."""
    urls: list[str] = []
    original = botocore.httpsession.URLLib3Session.send

    def recording(self, request):
        urls.append(request.url)
        return original(self, request)

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", recording)
    return urls


@pytest.fixture
def allowed(app):
    app.config["QUORUM_OUTBOUND_ALLOWLIST"] = ALLOWLIST
    yield app.config
    app.config.pop("QUORUM_OUTBOUND_ALLOWLIST", None)


def _params(port: int) -> dict:
    return {"bucket": BUCKET, "prefix": "docs/", "endpoint_url": f"http://{HOST}:{port}", "access_key_id": KEY_ID}


def _fetch(url: str, ip: str = "127.0.0.1") -> bytes:
    """A pre-signed URL fetched the way a browser would if it reached moto: Host is the name."""
    port = urlsplit(url).port
    with pinned_session(Address(socket.AF_INET, (ip, port))) as session:
        return session.get(url, timeout=10).content


def _assert_path_style(urls: list[str], port: int) -> None:
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert (parts.hostname, parts.port) == (HOST, port), url  # not <bucket>.s3.rebind.test
        assert parts.path.startswith(f"/{BUCKET}"), url


def test_requests_go_to_the_checked_address_with_no_second_lookup(allowed, moto_port, resolver, sent, builds):
    adapter = s3.open_adapter(_params(moto_port), SECRET, allowed, storage_id=101)
    assert resolver.policy_lookups == 1
    assert [o.key for o in adapter.list()] == ["docs/a.txt"]
    assert adapter.read("docs/a.txt") == BODY
    adapter.write("docs/out.json", b"{}")
    adapter.delete("docs/out.json")
    assert resolver.leaks == []  # urllib3 never looked the name up again
    _assert_path_style(sent, moto_port)
    url = adapter.presigned_get("docs/a.txt", 5)
    _assert_path_style([url], moto_port)
    assert _fetch(url) == BODY
    assert len(builds) == 1


def test_sync_and_presign_route_are_pinned_and_path_style(session, app, client, factory, allowed, moto_port,
                                                         resolver, sent, builds):
    manager = factory.user(OrgRole.MANAGER)
    project = factory.project(owner=manager)
    [task] = factory.tasks(project, ["unused"])
    task.data = {"text": "A note.", "source": OBJECT}
    store = create_storage(session, project, StorageSettings("s3", params=_params(moto_port), secret=SECRET), allowed)
    session.commit()
    run = sync_storage(session, store.id, allowed)
    assert (run.status, run.created) == ("completed", 1), run.errors
    login(client, manager)
    answer = client.get(f"/api/tasks/{task.id}/presign?fileuri={quote(OBJECT, safe='')}")
    assert answer.status_code == 303
    _assert_path_style(sent + [answer.headers["Location"]], moto_port)
    assert _fetch(answer.headers["Location"]) == BODY
    assert resolver.leaks == [] and len(builds) == 1  # the sync's client served the presign too


def test_path_style_even_when_the_aws_config_asks_for_virtual_hosts(allowed, moto_port, resolver, sent, builds,
                                                                   monkeypatch, tmp_path):
    """botocore already goes path-style for most custom endpoints, but not all: the server's
    AWS config can ask for virtual-hosted style, which would send requests (and pre-signed
    URLs) to <bucket>.s3.rebind.test, a name the policy never checked."""
    config = tmp_path / "aws-config"
    config.write_text("[default]\ns3 =\n    addressing_style = virtual\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setattr(s3, "_session", None)  # a fresh session reads that config
    adapter = s3.open_adapter(_params(moto_port), SECRET, allowed, storage_id=102)
    url = adapter.presigned_get("docs/a.txt", 5)
    assert adapter.read("docs/a.txt") == BODY
    _assert_path_style(sent + [url], moto_port)
    assert resolver.leaks == []


def test_environment_proxies_are_not_used_for_a_custom_endpoint(allowed, moto_port, resolver, monkeypatch):
    """A proxy would resolve the name itself; this one does not even listen."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    adapter = s3.open_adapter(_params(moto_port), SECRET, allowed)
    assert adapter.read("docs/a.txt") == BODY and resolver.leaks == []


def test_a_new_allowed_address_gets_a_new_client_pinned_to_it(allowed, resolver, sent, builds):
    """Two moto servers on one port, 127.0.0.1 and 127.0.0.3; the name moves from the first to
    the second, and the first stops: only a client pinned to the new address still works."""
    first, port = start_moto("127.0.0.1")
    second, _ = start_moto("127.0.0.3", port)
    try:
        _fill(port)
        del builds[:], sent[:]  # _fill's own client and requests
        assert s3.open_adapter(_params(port), SECRET, allowed, storage_id=7).read("docs/a.txt") == BODY
        resolver.checked = "127.0.0.3"
        first.stop()
        adapter = s3.open_adapter(_params(port), SECRET, allowed, storage_id=7)
        assert len(builds) == 2 and len(s3._CLIENTS) == 1  # rebuilt for the new address, the old one dropped
        assert adapter.read("docs/a.txt") == BODY
        assert _fetch(adapter.presigned_get("docs/a.txt", 5), "127.0.0.3") == BODY
        assert s3.open_adapter(_params(port), SECRET, allowed, storage_id=7).client is adapter.client
        assert resolver.leaks == []
        _assert_path_style(sent, port)
    finally:
        second.stop()
        first.stop()  # again if the test stopped it already: stop() allows that


def test_a_new_forbidden_address_is_refused_before_any_request(allowed, moto_port, resolver, sent, builds):
    params = _params(moto_port)
    assert s3.open_adapter(params, SECRET, allowed, storage_id=8).read("docs/a.txt") == BODY
    count = len(sent)
    for forbidden in ("169.254.169.254", "127.0.0.2", "10.0.0.5"):
        resolver.checked = forbidden
        with pytest.raises(StorageError, match="non-public address"):
            s3.open_adapter(params, SECRET, allowed, storage_id=8)
    assert len(sent) == count and len(builds) == 1 and resolver.leaks == []


def test_the_pinning_hook_fails_loudly_when_botocore_changes(allowed, moto_port, resolver, builds):
    """The private attributes used, checked on a real client; without them, no client at all."""
    adapter = s3.open_adapter(_params(moto_port), SECRET, allowed)
    http_session = adapter.client._endpoint.http_session
    assert isinstance(http_session, botocore.httpsession.URLLib3Session)
    assert isinstance(http_session._manager, PoolManager)
    pools = http_session._manager.pool_classes_by_scheme
    for scheme, botocore_pool in (("http", botocore.awsrequest.AWSHTTPConnectionPool),
                                  ("https", botocore.awsrequest.AWSHTTPSConnectionPool)):
        assert issubclass(pools[scheme], botocore_pool) and pools[scheme] is not botocore_pool
        assert pools[scheme].ConnectionCls.address == Address(socket.AF_INET, ("127.0.0.1", moto_port))
    assert http_session._proxy_config.proxy_url_for(adapter.client.meta.endpoint_url) is None

    fresh = boto3.session.Session().client("s3", endpoint_url=f"http://{HOST}:{moto_port}", region_name="us-east-1",
                                           aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)
    fresh._endpoint.http_session._manager = None  # as if botocore renamed it
    with pytest.raises(RuntimeError, match="cannot pin"):
        s3._pin_client(fresh, Address(socket.AF_INET, ("127.0.0.1", moto_port)))


def test_aws_default_endpoints_are_unchanged(allowed, builds):
    adapter = s3.open_adapter({"bucket": BUCKET, "access_key_id": KEY_ID}, SECRET, allowed, storage_id=9)
    http_session = adapter.client._endpoint.http_session
    assert http_session._manager.pool_classes_by_scheme["https"] is botocore.awsrequest.AWSHTTPSConnectionPool
    assert adapter.client.meta.config.s3 is None
    assert urlsplit(adapter.presigned_get("docs/a.txt", 5)).hostname == f"{BUCKET}.s3.amazonaws.com"
