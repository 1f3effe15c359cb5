"""LBL-1 / LBL-3: the built-in NLP templates parse, and preview data fits any config."""
from __future__ import annotations

import pytest

from webapp.labeling import NLP_TEMPLATES, ControlType, ObjectType, parse_config, sample_task_data

EXPECTED = {
    "text_classification": {ControlType.CHOICES},
    "multi_label_classification": {ControlType.CHOICES},
    "ner": {ControlType.LABELS},
    "sentiment_ner": {ControlType.LABELS, ControlType.CHOICES},
    "free_text": {ControlType.TEXTAREA},
    "rating": {ControlType.RATING},
}


def test_templates_in_order__LBL_1() -> None:
    assert list(NLP_TEMPLATES) == list(EXPECTED)


@pytest.mark.parametrize("key", EXPECTED)
def test_template_parses_with_text_field__LBL_1(key: str) -> None:
    template = NLP_TEMPLATES[key]
    config = parse_config(template.xml)
    assert template.key == key and template.title and template.description
    assert config.data_fields == {"text"} and set(template.sample_data) == {"text"}
    assert {c.type for c in config.controls.values()} == EXPECTED[key]


def test_template_choice_modes__LBL_1() -> None:
    assert not parse_config(NLP_TEMPLATES["text_classification"].xml).controls["sentiment"].multiple
    assert parse_config(NLP_TEMPLATES["multi_label_classification"].xml).controls["topics"].multiple
    ner = parse_config(NLP_TEMPLATES["ner"].xml)
    assert ner.labels_of("label") == ("PER", "ORG", "LOC", "MISC")


def test_sample_task_data_covers_every_field__LBL_3() -> None:
    config = parse_config('<View><Text name="a" value="$body"/><HyperText name="b" value="$page"/>'
                          '<Rating name="r" toName="a"/></View>')
    data = sample_task_data(config)
    assert set(data) == {"body", "page"}
    assert data["page"].startswith("<p>")
    assert any(ord(ch) > 0xFFFF for ch in data["body"])  # astral characters exercise offsets
    assert config.objects["b"].type is ObjectType.HYPERTEXT
