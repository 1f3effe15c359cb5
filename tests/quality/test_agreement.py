"""QA_4: task agreement = mean over annotator pairs of the weighted mean over controls."""
from __future__ import annotations

import pytest

from webapp.labeling import parse_config
from webapp.quality.agreement import AgreementSettings, label_agreement, pair_agreement, task_agreement

CONFIG = parse_config("""<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/><Label value="ORG"/></Labels>
  <Choices name="sentiment" toName="text"><Choice value="Pos"/><Choice value="Neg"/></Choices>
  <Choices name="topics" toName="text" choice="multiple"><Choice value="A"/><Choice value="B"/><Choice value="C"/></Choices>
  <TextArea name="summary" toName="text"/>
  <Rating name="stars" toName="text" maxRating="5"/>
  <Number name="count" toName="text" min="0" max="10"/>
  <Taxonomy name="tax" toName="text"><Choice value="X"><Choice value="Y"/><Choice value="Z"/></Choice></Taxonomy>
</View>""")


def span(start, end, label):
    return {"from_name": "ner", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "labels": [label]}}


def item(name, kind, **value):
    return {"from_name": name, "to_name": "text", "type": kind, "value": value}


def settings(**kw):
    return AgreementSettings(config=CONFIG, **kw)


def test_QA_4_both_empty_agree_and_fewer_than_two_is_none():
    assert pair_agreement([], [], settings()) == 1.0
    assert task_agreement([[]], settings()) is None
    assert task_agreement([], settings()) is None


def test_QA_4_weighted_mean_over_controls():
    a = [span(0, 5, "PER"), item("sentiment", "choices", choices=["Pos"]),
         item("stars", "rating", rating=2)]
    b = [span(0, 5, "PER"), item("sentiment", "choices", choices=["Neg"]),
         item("stars", "rating", rating=4)]
    # 7 controls: ner 1, sentiment 0, stars 0.5, and 4 untouched controls (both empty) 1 each
    assert pair_agreement(a, b, settings()) == pytest.approx((1 + 0 + 0.5 + 4) / 7)


def test_QA_4_label_weight_zero_ignores_the_control_part():
    a = [item("sentiment", "choices", choices=["Pos"])]
    b = [item("sentiment", "choices", choices=["Neg"])]
    weights = {"sentiment": {"Pos": 0, "Neg": 0}}
    assert pair_agreement(a, b, settings()) == pytest.approx(6 / 7)
    assert pair_agreement(a, b, settings(label_weights=weights)) == 1.0  # only empty controls left


def test_QA_4_metric_choice_per_control_type():
    a = [item("topics", "choices", choices=["A", "B"])]
    b = [item("topics", "choices", choices=["B", "C"])]
    only_topics = parse_config("""<View><Text name="text" value="$text"/>
      <Choices name="topics" toName="text" choice="multiple"><Choice value="A"/><Choice value="B"/><Choice value="C"/></Choices></View>""")
    exact = AgreementSettings(config=only_topics)
    jacc = AgreementSettings(config=only_topics, metrics={"Choices": "jaccard"})
    assert pair_agreement(a, b, exact) == 0.0
    assert pair_agreement(a, b, jacc) == pytest.approx(1 / 3)


def test_QA_4_span_threshold_and_iou_option():
    only_ner = parse_config("""<View><Labels name="ner" toName="text"><Label value="PER"/></Labels>
      <Text name="text" value="$text"/></View>""")
    a, b = [span(0, 10, "PER")], [span(0, 6, "PER")]  # IoU 0.6
    assert pair_agreement(a, b, AgreementSettings(config=only_ner, iou_threshold=0.5)) == 1.0
    assert pair_agreement(a, b, AgreementSettings(config=only_ner, iou_threshold=0.7)) == 0.0
    iou = AgreementSettings(config=only_ner, metrics={"Labels": "span_iou"})
    assert pair_agreement(a, b, iou) == pytest.approx(0.6)


def test_QA_4_text_number_taxonomy_controls():
    only = lambda tag: parse_config(f'<View><Text name="text" value="$text"/>{tag}</View>')  # noqa: E731
    ta = AgreementSettings(config=only('<TextArea name="summary" toName="text"/>'))
    assert pair_agreement([item("summary", "textarea", text=["kitten"])],
                          [item("summary", "textarea", text=["sitting"])], ta) == pytest.approx(4 / 7)
    num = AgreementSettings(config=only('<Number name="count" toName="text" min="0" max="10"/>'))
    assert pair_agreement([item("count", "number", number=2)],
                          [item("count", "number", number=7)], num) == pytest.approx(0.5)
    tax = AgreementSettings(config=only(
        '<Taxonomy name="tax" toName="text"><Choice value="X"><Choice value="Y"/><Choice value="Z"/></Choice></Taxonomy>'))
    assert pair_agreement([item("tax", "taxonomy", taxonomy=[["X", "Y"]])],
                          [item("tax", "taxonomy", taxonomy=[["X", "Z"]])], tax) == pytest.approx(1 / 3)


def test_QA_4_task_agreement_is_the_mean_over_pairs():
    only = AgreementSettings(config=parse_config("""<View><Text name="text" value="$text"/>
      <Choices name="sentiment" toName="text"><Choice value="Pos"/><Choice value="Neg"/></Choices></View>"""))
    pos, neg = [item("sentiment", "choices", choices=["Pos"])], [item("sentiment", "choices", choices=["Neg"])]
    assert task_agreement([pos, pos], only) == 1.0
    assert task_agreement([pos, neg], only) == 0.0
    assert task_agreement([pos, pos, neg], only) == pytest.approx(1 / 3)  # 1 of 3 pairs
    assert task_agreement([pos, []], only) == 0.0  # one-sided


def test_QA_4_results_of_controls_missing_from_config_still_compare():
    a = [item("gone", "choices", choices=["Old"])]
    assert pair_agreement(a, a, AgreementSettings()) == 1.0
    assert pair_agreement(a, [], AgreementSettings()) == 0.0


def test_QA_4_label_agreement_per_label():
    a = [span(0, 5, "PER"), item("sentiment", "choices", choices=["Pos"])]
    b = [span(0, 5, "PER"), span(8, 9, "LOC"), item("sentiment", "choices", choices=["Neg"])]
    per_label = label_agreement([a, b], settings())
    assert per_label[("ner", "PER")] == 1.0
    assert per_label[("ner", "LOC")] == 0.0
    assert per_label[("sentiment", "Pos")] == 0.0
