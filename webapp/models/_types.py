"""Column helpers shared by the model modules."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB

# JSONB on PostgreSQL (indexable, compact), plain JSON elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no zone, so both databases store the same naive values."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def enum_column(enum_cls, length: int = 32) -> SAEnum:
    """Store enum *values* as strings (no native PG enum: migrations stay simple)."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
