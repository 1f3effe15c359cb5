"""S3-compatible storage through boto3: any endpoint URL (AWS, MinIO, moto); the secret
access key is stored encrypted and decrypted only to open a client. A saved storage's client
is reused while its settings stay the same (client_cache.py).

Every storage signs with its own keys. Given none, boto3 would fall back to the server's
credentials (environment, ~/.aws, an instance role) and a project manager could reach any
bucket the server can; that is refused unless the operator sets QUORUM_S3_SERVER_CREDENTIALS.
Anonymous access (unsigned requests to a public bucket) is not offered.

A custom endpoint (MinIO, ...) is an outbound destination like a webhook, and gets the same
DNS-rebinding guard: its client connects to the address the outbound policy checked, never
to a second answer of the resolver (_pin_client); requests are path-style so that they all go
to the endpoint's own host, and environment proxies (which would resolve it again) are off.
The cached client is keyed by that address too, so a new answer gets a new client."""
from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from urllib3 import PoolManager

from webapp.integrations.http_policy import ForbiddenDestination, policy_from_config
from webapp.integrations.pinned_transport import Address, pinned_pool_classes
from webapp.io.storage.base import ObjectInfo, StorageError, integer, required_text
from webapp.io.storage.client_cache import ClientCache

PRESIGN_TTL_MINUTES = 15  # Label Studio's default expiry of a pre-signed URL
MAX_PRESIGN_TTL_MINUTES = 7 * 24 * 60  # the longest SigV4 allows
_CLIENT_CONFIG = {"connect_timeout": 5, "read_timeout": 30, "retries": {"max_attempts": 3}, "signature_version": "s3v4"}
# A custom endpoint: every request to the endpoint's own host (virtual-hosted style would go
# to bucket.<host>, a name never checked), and no proxy from the environment (`proxies` given,
# even empty, replaces them), since a proxy would resolve the host itself.
_CUSTOM_ENDPOINT_CONFIG = {**_CLIENT_CONFIG, "s3": {"addressing_style": "path"}, "proxies": {}}
_CLIENTS = ClientCache()
_SESSION_LOCK = threading.Lock()
_session: boto3.session.Session | None = None
NO_SERVER_CREDENTIALS = (
    "Give an access key ID and secret access key: this server does not lend its own AWS "
    "credentials to storages, and anonymous access to public buckets is not supported."
)
BOTH_KEYS = "Give both the access key ID and the secret access key, or neither to use the server's own AWS credentials."


def server_credentials_allowed(config: Mapping) -> bool:
    return str(config.get("QUORUM_S3_SERVER_CREDENTIALS", "0")).strip().lower() in ("1", "true", "yes", "on")


def _check_credentials(access_key_id: str, secret: str, config: Mapping) -> None:
    """Checked at save and again at every open: a row saved before this rule, or while the
    operator allowed server credentials, must not borrow them now."""
    if access_key_id and secret.strip():
        return
    if not server_credentials_allowed(config):
        raise StorageError("access_key_id", NO_SERVER_CREDENTIALS)
    if access_key_id or secret.strip():  # boto3 refuses half a pair less helpfully
        raise StorageError("access_key_id", BOTH_KEYS)


def _check_endpoint(endpoint: str, config: Mapping) -> Address:
    """The endpoint is an outbound destination like a webhook: private and loopback
    addresses only when the policy allows them. Answers the checked address to connect to."""
    if urlsplit(endpoint).scheme not in ("http", "https"):
        raise StorageError("endpoint_url", "The endpoint URL must start with http:// or https://.")
    try:
        return policy_from_config(config).check_url(endpoint)
    except ForbiddenDestination as exc:
        raise StorageError("endpoint_url", str(exc)) from exc


def clean_params(params: dict, config: Mapping, secret: str = "") -> dict:
    endpoint = (params.get("endpoint_url") or "").strip()
    if endpoint:
        _check_endpoint(endpoint, config)
    clean = {
        "bucket": required_text(params, "bucket", "The bucket"),
        "endpoint_url": endpoint,
        "region": (params.get("region") or "us-east-1").strip(),
        "access_key_id": (params.get("access_key_id") or "").strip(),
        # "Use pre-signed URLs": task data pointing into the bucket is shown through a
        # short-lived signed GET URL; off, the server fetches the object itself.
        "presign": _flag(params.get("presign", True)),
        "presign_ttl": integer(params, "presign_ttl", PRESIGN_TTL_MINUTES, 1, MAX_PRESIGN_TTL_MINUTES),
    }
    _check_credentials(clean["access_key_id"], secret or "", config)
    return clean


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y")
    return bool(value)


class S3Adapter:
    def __init__(self, client, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def list(self) -> Iterator[ObjectInfo]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield ObjectInfo(item["Key"], item["ETag"].strip('"'))

    def presigned_get(self, key: str, minutes: int) -> str:
        """A GET URL for one object, signed with the storage's key, valid `minutes`."""
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=minutes * 60
        )

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType="application/json")

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def open_adapter(params: dict, secret: str, config: Mapping, storage_id: int | None = None) -> S3Adapter:
    """A saved storage (`storage_id`) reuses its client; the endpoint is checked on every
    use all the same, as the policy or the address it resolves to may have changed since.
    The keys are checked before any client is built or reused, so a keyless row never
    reaches the server's own credentials."""
    _check_credentials(params.get("access_key_id") or "", secret or "", config)
    address = _check_endpoint(params["endpoint_url"], config) if params.get("endpoint_url") else None
    settings = _client_settings(params, secret, address)
    client = _build_client(settings) if storage_id is None else _CLIENTS.get(storage_id, settings, _build_client)
    return S3Adapter(client, params["bucket"], params.get("prefix", ""))


def _client_settings(params: dict, secret: str, address: Address | None = None) -> dict:
    """Everything a client is built from, and so everything its cache entry depends on:
    with a custom endpoint, the checked address its connections are pinned to."""
    endpoint = params.get("endpoint_url") or None
    if endpoint and address is None:
        raise ValueError("a custom S3 endpoint needs the address the outbound policy checked")
    return {
        "endpoint_url": endpoint,
        "region_name": params.get("region") or None,
        "aws_access_key_id": params.get("access_key_id") or None,
        "aws_secret_access_key": secret or None,
        "config": _CUSTOM_ENDPOINT_CONFIG if endpoint else _CLIENT_CONFIG,
        # plain JSON values, for the cache's fingerprint
        "pinned_address": [int(address.family), list(address.sockaddr)] if endpoint else None,
    }


def _build_client(settings: dict):
    global _session
    settings = dict(settings)
    pinned = settings.pop("pinned_address", None)
    # A boto3 session is not thread-safe (its clients are); one shared session also loads
    # the S3 service model once rather than per client.
    with _SESSION_LOCK:
        if _session is None:  # made on first use: a bad AWS_PROFILE must not break app import
            _session = boto3.session.Session()
        # botocore rewrites the retries dict it is given: a copy keeps our fingerprint of it stable
        client = _session.client("s3", **{**settings, "config": Config(**copy.deepcopy(settings["config"]))})
    if pinned is not None:
        _pin_client(client, Address(pinned[0], tuple(pinned[1])))
    return client


def _pin_client(client, address: Address) -> None:
    """Make every connection of `client` go to `address`; the URL keeps the hostname, so the
    Host header, SNI and certificate check still use the name.

    The hook: botocore's URLLib3Session sends through a urllib3 PoolManager (`_manager`),
    whose `pool_classes_by_scheme` we swap for subclasses of botocore's own pool classes
    with pinned connections (the ones the webhooks use). botocore's send path (timeouts,
    streaming, error mapping, retries) is kept whole; a 'before-send' handler would have to
    re-implement all of it. The attributes are private, so anything unexpected is an error
    here, never a silently unpinned client (tests/io/test_s3_pinned.py checks them too)."""
    http_session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    manager = getattr(http_session, "_manager", None)
    classes = getattr(manager, "pool_classes_by_scheme", None)
    if not isinstance(manager, PoolManager) or not isinstance(classes, dict) or not {"http", "https"} <= set(classes):
        raise RuntimeError("botocore's HTTP session is not the one expected: cannot pin the S3 endpoint's address")
    proxies = getattr(http_session, "_proxy_config", None)
    if proxies is None or proxies.proxy_url_for(client.meta.endpoint_url):  # a proxy would resolve the host itself
        raise RuntimeError("botocore's HTTP session uses a proxy: cannot pin the S3 endpoint's address")
    manager.clear()  # no pool was made yet; none made before pinning may survive it
    # a new dict: botocore shares its own with the session's proxy managers
    manager.pool_classes_by_scheme = pinned_pool_classes(address, classes["http"], classes["https"])
