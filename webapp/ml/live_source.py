"""The live predictions source (LIVE-1) as a value: the one place its string is parsed.

Stored on the project as "model:<id>" (follow that model as it retrains) or
"version:<model_version>" (one prediction set); "" means none.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LiveSourceKind(StrEnum):
    MODEL = "model"
    VERSION = "version"


@dataclass(frozen=True)
class LiveSource:
    kind: LiveSourceKind
    value: str  # the model id or the model version, as written

    @classmethod
    def parse(cls, text: str | None) -> LiveSource | None:
        """The source `text` names; None when it is empty or not of either form."""
        kind, sep, value = (text or "").partition(":")
        if not sep or not value or kind not in LiveSourceKind.__members__.values():
            return None
        return cls(LiveSourceKind(kind), value)

    @classmethod
    def of_model(cls, model_id: int) -> LiveSource:
        return cls(LiveSourceKind.MODEL, str(model_id))

    @classmethod
    def of_version(cls, version: str) -> LiveSource:
        return cls(LiveSourceKind.VERSION, version)

    @property
    def model_id(self) -> int | None:
        """The followed model's id; None for a prediction set or a non-numeric id."""
        return int(self.value) if self.kind is LiveSourceKind.MODEL and self.value.isdigit() else None

    @property
    def version(self) -> str | None:
        return self.value if self.kind is LiveSourceKind.VERSION else None

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def model_id_of(text: str | None) -> int | None:
    """The model a stored source follows, if any."""
    source = LiveSource.parse(text)
    return source.model_id if source else None


def version_of(text: str | None) -> str | None:
    """The prediction set a stored source names, if it names one."""
    source = LiveSource.parse(text)
    return source.version if source else None
