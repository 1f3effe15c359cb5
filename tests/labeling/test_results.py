"""LBL-1: annotation results use Label Studio's result JSON, checked against the config;
span offsets are code points into the task text (end exclusive)."""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, strategies as st

from webapp.labeling import (
    ResultError, is_empty_result, labels_missing, labels_used, parse_config, validate_result,
)

CONFIG = parse_config("""<View>
  <Text name="text" value="$text"/>
  <HyperText name="page" value="$html"/>
  <Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/><Label value="LOC"/></Labels>
  <Labels name="html_label" toName="page"><Label value="Title"/></Labels>
  <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
  <Choices name="topics" toName="text" choice="multiple"><Choice value="Tech"/><Choice value="Art"/></Choices>
  <TextArea name="summary" toName="text"/>
  <Rating name="stars" toName="text" maxRating="4"/>
  <Number name="score" toName="text" min="0" max="10"/>
  <Taxonomy name="topic" toName="text">
    <Choice value="Science"><Choice value="Physics"/></Choice>
    <Choice value="Arts"/>
  </Taxonomy>
</View>""")
TEXT = "I ❤️ 🐍 NYC"  # code points: I=0 ' '=1 ❤=2 U+FE0F=3 ' '=4 🐍=5 ' '=6 N=7 Y=8 C=9
DATA = {"text": TEXT, "html": "<p>Hi</p>"}
TO = {"label": "text", "html_label": "page", "sentiment": "text", "topics": "text", "summary": "text",
      "stars": "text", "score": "text", "topic": "text"}
TYPE = {"label": "labels", "html_label": "labels", "sentiment": "choices", "topics": "choices",
        "summary": "textarea", "stars": "rating", "score": "number", "topic": "taxonomy"}


def item(control: str, **value: Any) -> dict[str, Any]:
    return {"from_name": control, "to_name": TO[control], "type": TYPE[control], "value": value}


def span(start: int, end: int, label: str = "LOC", **extra: Any) -> dict[str, Any]:
    return item("label", start=start, end=end, labels=[label], **extra)


def refused(result: Any, data: dict | None = None) -> str:
    with pytest.raises(ResultError) as info:
        validate_result(CONFIG, result, DATA if data is None else data)
    return info.value.message


def test_valid_result_of_every_control_type__LBL_1() -> None:
    result = [
        {**span(7, 10, text="NYC"), "id": "a1", "origin": "manual", "score": 0.9, "hidden": False, "readonly": False},
        item("html_label", start="/p[1]/text()[1]", end="/p[1]/text()[1]", startOffset=0, endOffset=2, labels=["Title"]),
        item("sentiment", choices=["Positive"]),
        item("topics", choices=["Tech", "Art"]),
        item("summary", text=["A love letter to Python.", ""]),
        item("stars", rating=4),
        item("score", number=2.5),
        item("topic", taxonomy=[["Science", "Physics"], ["Science"], ["Arts"]]),
    ]
    validate_result(CONFIG, result, DATA)
    validate_result(CONFIG, [], DATA)


def test_astral_offsets_are_code_points__LBL_1() -> None:
    validate_result(CONFIG, [span(5, 6, text="🐍"), span(2, 4, text="❤️"), span(0, 10, text=TEXT)], DATA)
    # The browser's UTF-16 offsets of "NYC" are 8..11: out of range in code points.
    assert refused([span(8, 11, text="NYC")]) == "result[0]: span 8..11 must satisfy 0 <= start < end <= 10 (the text length)"
    assert refused([span(8, 10, text="NYC")]) == (
        "result[0]: value.text 'NYC' does not match the task text at 8..10 ('YC')"
    )


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1), st.data())
def test_any_code_point_span_with_its_text_is_valid__LBL_1(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    validate_result(CONFIG, [span(start, end, text=text[start:end])], {"text": text})


ERRORS = {
    "not_a_list": ({"from_name": "label"}, "result must be a list of items"),
    "item_not_object": (["x"], "result[0]: must be an object"),
    "missing_keys": ([{"from_name": "label"}], "result[0]: missing to_name, type, value"),
    "unexpected_key": ([{**item("stars", rating=1), "foo": 1}], "result[0]: unexpected key(s) foo"),
    "unknown_from_name": (
        [{**item("stars", rating=1), "from_name": "nope"}],
        "result[0]: from_name 'nope' is not a control (controls: label, html_label, sentiment, topics, summary, stars, score, topic)",
    ),
    "to_name_mismatch": ([{**item("stars", rating=1), "to_name": "page"}], "result[0]: to_name 'page' does not match control 'stars' (expected 'text')"),
    "type_mismatch": ([{**item("stars", rating=1), "type": "choices"}], "result[0]: type 'choices' does not match control 'stars' (expected 'rating')"),
    "value_not_object": ([{**item("stars"), "value": [1]}], "result[0]: value must be an object"),
    "unknown_label": (
        [span(0, 1), span(2, 3), span(7, 10, "ORGG")],
        "result[2]: label 'ORGG' is not in control 'label' (allowed: PER, ORG, LOC)",
    ),
    "empty_labels": ([item("label", start=0, end=1, labels=[])], "result[0]: value.labels is empty"),
    "labels_not_list": ([item("label", start=0, end=1, labels="PER")], "result[0]: value.labels must be a list of strings"),
    "offsets_not_int": ([item("label", start="0", end=1, labels=["PER"])], "result[0]: value.start and value.end must be integers"),
    "offsets_bool": ([item("label", start=False, end=1, labels=["PER"])], "result[0]: value.start and value.end must be integers"),
    "empty_span": ([span(3, 3)], "result[0]: span 3..3 must satisfy 0 <= start < end <= 10 (the text length)"),
    "negative_start": ([span(-1, 3)], "result[0]: span -1..3 must satisfy 0 <= start < end <= 10 (the text length)"),
    "hypertext_unknown_label": (
        [item("html_label", start="/p[1]", end="/p[1]", startOffset=0, endOffset=1, labels=["PER"])],
        "result[0]: label 'PER' is not in control 'html_label' (allowed: Title)",
    ),
    "two_choices_in_single_choice": (
        [item("sentiment", choices=["Positive", "Negative"])],
        "result[0]: control 'sentiment' is single-choice but got 2 choices",
    ),
    "unknown_choice": ([item("topics", choices=["Tech", "Cooking"])], "result[0]: choice 'Cooking' is not in control 'topics' (allowed: Tech, Art)"),
    "repeated_choice": ([item("topics", choices=["Tech", "Tech"])], "result[0]: a choice is given twice in value.choices"),
    "empty_choices": ([item("sentiment", choices=[])], "result[0]: value.choices is empty"),
    "textarea_not_list": ([item("summary", text="hello")], "result[0]: value.text must be a list of strings"),
    "rating_too_high": ([item("stars", rating=5)], "result[0]: value.rating must be an integer from 1 to 4, got 5"),
    "rating_zero": ([item("stars", rating=0)], "result[0]: value.rating must be an integer from 1 to 4, got 0"),
    "rating_bool": ([item("stars", rating=True)], "result[0]: value.rating must be an integer from 1 to 4, got True"),
    "number_not_number": ([item("score", number="3")], "result[0]: value.number must be a number, got '3'"),
    "number_nan": ([item("score", number=float("nan"))], "result[0]: value.number must be a number, got nan"),
    "number_below_min": ([item("score", number=-1)], "result[0]: value.number -1 is below the minimum 0"),
    "number_above_max": ([item("score", number=10.5)], "result[0]: value.number 10.5 is above the maximum 10"),
    "taxonomy_bad_path": ([item("topic", taxonomy=[["Science", "Biology"]])], "result[0]: taxonomy path 'Science / Biology' is not in control 'topic'"),
    "taxonomy_not_paths": ([item("topic", taxonomy=["Science"])], "result[0]: taxonomy path 'Science' must be a non-empty list of strings"),
    "taxonomy_empty": ([item("topic", taxonomy=[])], "result[0]: value.taxonomy must be a non-empty list of paths"),
}


@pytest.mark.parametrize("result, expected", ERRORS.values(), ids=ERRORS.keys())
def test_bad_result_refused_with_item_and_reason__LBL_1(result: Any, expected: str) -> None:
    assert refused(result) == expected


def test_span_needs_task_text__LBL_1() -> None:
    assert refused([span(0, 1)], {"html": "x"}) == "result[0]: the task has no text in field 'text' to label"


def test_is_empty_result__LBL_1() -> None:
    assert is_empty_result([])
    assert is_empty_result([item("sentiment", choices=[]), item("summary", text=["  ", ""]), item("stars", rating=None)])
    assert not is_empty_result([item("summary", text=["", "x"])])
    assert not is_empty_result([span(0, 1)])
    assert not is_empty_result([item("score", number=0)])


def test_labels_used_counts_control_and_value__LBL_2() -> None:
    result = [
        span(0, 1, "PER"), span(2, 3, "PER"), span(7, 10, "LOC"),
        item("topics", choices=["Tech", "Art"]),
        item("topic", taxonomy=[["Science", "Physics"]]),
        item("stars", rating=2),
        {**item("sentiment", choices=["Positive"]), "type": ""},  # type missing: read via config
    ]
    assert labels_used(CONFIG, result) == {
        ("label", "PER"): 2, ("label", "LOC"): 1, ("topics", "Tech"): 1, ("topics", "Art"): 1,
        ("topic", "Science / Physics"): 1, ("sentiment", "Positive"): 1,
    }


def test_labels_missing_lists_removed_options_still_used__LBL_2() -> None:
    used = {("label", "PER"): 3, ("label", "MISC"): 2, ("gone", "X"): 1,
            ("topic", "Science"): 1, ("topic", "Science / Physics"): 4, ("topic", "Arts / Film"): 1}
    assert labels_missing(CONFIG, used) == {("label", "MISC"): 2, ("gone", "X"): 1, ("topic", "Arts / Film"): 1}
