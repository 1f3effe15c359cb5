"""Ready-made NLP configs offered on the settings page, and sample data for the preview.

Each template is a plain Label Studio config using ``$text``, so a project created from
one can be exported to and imported from Label Studio unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .model import LabelingConfig, ObjectType


@dataclass(frozen=True)
class ConfigTemplate:
    key: str
    title: str
    description: str
    xml: str
    sample_data: dict[str, Any] = field(default_factory=dict)


_REVIEW = "The battery lasts all day and the screen is gorgeous, but the speaker is weak."
_NEWS = "Ada Lovelace met Charles Babbage in London to discuss the Analytical Engine."
_SENTIMENT = """\
  <Choices name="sentiment" toName="text" choice="single" showInLine="true">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
    <Choice value="Neutral"/>
  </Choices>"""
_NER = """\
  <Labels name="label" toName="text">
    <Label value="PER" background="#FFA39E"/>
    <Label value="ORG" background="#91D5FF"/>
    <Label value="LOC" background="#B7EB8F"/>
    <Label value="MISC" background="#FFD591"/>
  </Labels>"""


def _view(*parts: str) -> str:
    return "<View>\n" + "\n".join(parts) + "\n</View>\n"


_TEXT = '  <Text name="text" value="$text"/>'

_TEMPLATES = (
    ConfigTemplate(
        "text_classification", "Text classification",
        "Pick one sentiment per text: Positive, Negative or Neutral.",
        _view('  <Header value="What is the sentiment of this text?"/>', _TEXT, _SENTIMENT),
        {"text": _REVIEW},
    ),
    ConfigTemplate(
        "multi_label_classification", "Multi-label classification",
        "Tick every topic the text is about.",
        _view('  <Header value="Which topics does this text cover?"/>', _TEXT, """\
  <Choices name="topics" toName="text" choice="multiple">
    <Choice value="Politics"/>
    <Choice value="Business"/>
    <Choice value="Technology"/>
    <Choice value="Sports"/>
    <Choice value="Science"/>
  </Choices>"""),
        {"text": "The startup's new chip could make laptops cheaper, shares rose 5%."},
    ),
    ConfigTemplate(
        "ner", "Named entity recognition",
        "Mark people, organisations, locations and other names as spans of the text.",
        _view(_NER, _TEXT),
        {"text": _NEWS},
    ),
    ConfigTemplate(
        "sentiment_ner", "Sentiment and entities",
        "Mark entities as spans and classify the sentiment of the whole text.",
        _view(_NER, _TEXT, '  <Header value="Overall sentiment"/>', _SENTIMENT),
        {"text": _REVIEW},
    ),
    ConfigTemplate(
        "free_text", "Free text (summary or translation)",
        "Write a short summary or a translation of the text.",
        _view(_TEXT, '  <Header value="Summary"/>', """\
  <TextArea name="summary" toName="text" rows="4" placeholder="Write a one-sentence summary" required="true"/>"""),
        {"text": _NEWS},
    ),
    ConfigTemplate(
        "rating", "Rating",
        "Rate the text on a 1 to 5 scale.",
        _view(_TEXT, '  <Header value="How helpful is this answer?"/>', """\
  <Rating name="rating" toName="text" maxRating="5"/>"""),
        {"text": _REVIEW},
    ),
)

NLP_TEMPLATES: Mapping[str, ConfigTemplate] = MappingProxyType({t.key: t for t in _TEMPLATES})

_SAMPLE_TEXT = "Ada Lovelace 👩‍💻 met Charles Babbage in London ❤️ to discuss the Analytical Engine."
_SAMPLE_HTML = "<p><b>Ada Lovelace</b> met Charles Babbage in <i>London</i>.</p>"


def sample_task_data(config: LabelingConfig) -> dict[str, str]:
    """Data for every field the config reads, for the live preview (rule LBL-3).

    The text carries astral characters so the preview exercises offset conversion.
    """
    return {
        obj.value_field: _SAMPLE_HTML if obj.type is ObjectType.HYPERTEXT else _SAMPLE_TEXT
        for obj in config.objects.values()
    }
