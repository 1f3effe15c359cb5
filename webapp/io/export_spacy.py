"""spaCy export: a ``.spacy`` DocBin with entities from spans and cats from choices."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from webapp.io.errors import ExportError
from webapp.io.pages import ExportSource
from webapp.io.spans import Span, span_control, spans_of
from webapp.labeling import ControlTag, ControlType, LabelingConfig, ObjectType

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span as SpacySpan


def spacy_chunks(source: ExportSource) -> Iterator[bytes]:
    """One Doc per submitted annotation.

    Unlike the other formats, memory here is proportional to the output size: a DocBin
    is a single msgpack blob, so it is filled page by page and serialised once at the end.
    """
    control = span_control(source.config)
    return _docbin(source, _text_field(source.config, control), control)


def _text_field(config: LabelingConfig, control: ControlTag | None) -> str:
    """The text the spans are on, else the first Text object (a classification config)."""
    if control is not None:
        return config.objects[control.to_name].value_field
    texts = [o for o in config.objects.values() if o.type is ObjectType.TEXT]
    if not texts:
        raise ExportError("SPACY export needs a <Text> object in the labeling config.")
    return texts[0].value_field


def _docbin(source: ExportSource, field: str, control: ControlTag | None) -> Iterator[bytes]:
    import spacy  # takes a second to import: only pay for it when this format is asked for
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs = DocBin()
    for page in source.pages():
        for task in page.tasks:
            text = task.data.get(field)
            if not isinstance(text, str):
                continue
            for annotation in page.submitted(task.id):
                docs.add(_doc(nlp, text, annotation.result, source.config, control))
    yield docs.to_bytes()


def _doc(nlp: Language, text: str, result: list, config: LabelingConfig,
         control: ControlTag | None) -> Doc:
    doc = nlp.make_doc(text)
    if control is not None:
        doc.ents = _entities(doc, spans_of(result, control.name))
    doc.cats = _categories(config, result)
    return doc


def _entities(doc: Doc, spans: list[Span]) -> list[SpacySpan]:
    """Spans widened to token bounds; one that then overlaps the previous is skipped."""
    entities: list[SpacySpan] = []
    for span in spans:
        entity = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
        if entity is not None and (not entities or entity.start >= entities[-1].end):
            entities.append(entity)
    return entities


def _categories(config: LabelingConfig, result: list) -> dict[str, float]:
    """For each Choices control answered in the result: 1.0 per chosen option, 0.0 per other."""
    chosen: dict[str, set[str]] = {}
    for item in result:
        if item.get("type") == "choices":
            chosen.setdefault(item["from_name"], set()).update(item["value"]["choices"])
    controls = {
        name: control
        for name, control in config.controls.items()
        if control.type is ControlType.CHOICES and name in chosen
    }
    return {
        option: float(option in chosen[name])
        for name, control in controls.items()
        for option in control.option_values
    }
