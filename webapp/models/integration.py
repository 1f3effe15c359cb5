"""Integrations: webhooks with their outbox/delivery log (WH-1), cloud storages with the
objects they synced and a log per sync run (STO-1, STO-2)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models._types import JSONType, utcnow


class Webhook(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    headers: Mapped[dict] = mapped_column(JSONType, default=dict)
    send_payload: Mapped[bool] = mapped_column(default=True)
    send_for_all_actions: Mapped[bool] = mapped_column(default=True)
    actions: Mapped[list] = mapped_column(JSONType, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    secret_encrypted: Mapped[str] = mapped_column(Text, default="")
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    # Start of the current run of failures (None while deliveries succeed): auto-disable
    # follows the outage's length, not a count of attempts (webapp/integrations/delivery.py).
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    disabled_reason: Mapped[str] = mapped_column(Text, default="")
    # One deliverer per webhook at a time keeps its events in order across processes; the
    # owner token fences its writes, so a pass whose lease expired records nothing.
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"


class WebhookDelivery(db.Model):
    """The outbox row, written in the changing transaction, and then its delivery log."""

    __table_args__ = (Index("ix_webhook_delivery_webhook_status", "webhook_id", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # X-Quorum-Delivery
    action: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    response_status: Mapped[int | None] = mapped_column(default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    latency_ms: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class Storage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # source|target
    kind: Mapped[str] = mapped_column(String(16))  # local|s3|redis
    title: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    secret_encrypted: Mapped[str] = mapped_column(Text, default="")  # S3 secret key / Redis password
    sync_interval_minutes: Mapped[int] = mapped_column(default=0)  # 0: only on request
    write_on_submit: Mapped[bool] = mapped_column(default=False)  # target: sync after each change
    sync_requested: Mapped[bool] = mapped_column(default=False)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    last_sync_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StorageObject(db.Model):
    """A key seen by a source (its version: etag, mtime or hash) or written by a target."""

    __table_args__ = (UniqueConstraint("storage_id", "key", name="uq_storage_object_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    storage_id: Mapped[int] = mapped_column(ForeignKey("storage.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(1024))
    version: Mapped[str] = mapped_column(String(200), default="")
    # No foreign key: the row must outlive its annotation so the target copy gets removed.
    annotation_id: Mapped[int | None] = mapped_column(default=None)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class StorageSyncRun(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    storage_id: Mapped[int] = mapped_column(ForeignKey("storage.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|completed|failed
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    seen: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)  # tasks imported / objects written
    updated: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(JSONType, default=list)
