"""The parsed shape of a labeling config (Label Studio XML, NLP subset).

Pure data: the parser in ``config.py`` builds it, the editor template renders it, the
result validator and the quality metrics read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ObjectType(str, Enum):
    """Tags that show task data."""

    TEXT = "Text"
    HYPERTEXT = "HyperText"


class ControlType(str, Enum):
    """Tags that produce results; the value is Label Studio's result ``type`` in lower case."""

    CHOICES = "Choices"
    LABELS = "Labels"
    TEXTAREA = "TextArea"
    RATING = "Rating"
    TAXONOMY = "Taxonomy"
    NUMBER = "Number"

    @property
    def result_type(self) -> str:
        return self.value.lower()


@dataclass(frozen=True)
class Option:
    """A <Choice>, <Label> or taxonomy leaf."""

    value: str
    hotkey: str | None = None
    background: str | None = None
    children: tuple["Option", ...] = ()


@dataclass(frozen=True)
class ObjectTag:
    name: str
    type: ObjectType
    value_field: str  # "text" for value="$text"


@dataclass(frozen=True)
class ControlTag:
    name: str
    type: ControlType
    to_name: str
    options: tuple[Option, ...] = ()
    multiple: bool = False  # Choices choice="multiple"
    required: bool = False
    max_rating: int = 5  # Rating maxRating
    min_value: float | None = None  # Number min
    max_value: float | None = None  # Number max
    placeholder: str = ""
    rows: int = 3

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Header:
    value: str


@dataclass(frozen=True)
class LabelingConfig:
    """Objects and controls in document order; ``layout`` keeps the order for rendering."""

    objects: dict[str, ObjectTag] = field(default_factory=dict)
    controls: dict[str, ControlTag] = field(default_factory=dict)
    layout: tuple[Header | ObjectTag | ControlTag, ...] = ()

    @property
    def data_fields(self) -> set[str]:
        return {o.value_field for o in self.objects.values()}

    def labels_of(self, control_name: str) -> tuple[str, ...]:
        return self.controls[control_name].option_values
