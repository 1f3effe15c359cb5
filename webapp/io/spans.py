"""Character spans of one Labels control, shared by the CoNLL and spaCy exports."""
from __future__ import annotations

from dataclasses import dataclass

from webapp.labeling import ControlTag, ControlType, LabelingConfig, ObjectType


@dataclass(frozen=True)
class Span:
    """Code-point offsets into the task text, end exclusive (LBL-1)."""

    start: int
    end: int
    label: str


def span_control(config: LabelingConfig) -> ControlTag | None:
    """The first Labels control on a Text object: the one token-level formats export."""
    return next(
        (
            control
            for control in config.controls.values()
            if control.type is ControlType.LABELS
            and config.objects[control.to_name].type is ObjectType.TEXT
        ),
        None,
    )


def spans_of(result: list, control_name: str) -> list[Span]:
    """The control's spans by start (longest first), dropping any that overlaps an
    earlier one: BIO tags and ``doc.ents`` both need disjoint spans."""
    found = sorted(
        (
            Span(item["value"]["start"], item["value"]["end"], item["value"]["labels"][0])
            for item in result
            if item.get("from_name") == control_name and item.get("type") == "labels"
        ),
        key=lambda span: (span.start, -span.end),
    )
    disjoint: list[Span] = []
    for span in found:
        if not disjoint or span.start >= disjoint[-1].end:
            disjoint.append(span)
    return disjoint
