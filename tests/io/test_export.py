"""Export in every format, and round trips through import (DM-2)."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import event

from tests.io.conftest import EMOJI, NEWS, as_json, choice, emoji_record, news_record, upload
from webapp.io import ExportError, export_project, pages


def _export(session, project, export_type: str, only_annotated: bool = True) -> bytes:
    return b"".join(export_project(session, project, export_type, only_annotated).chunks)


@pytest.fixture
def labeled(session, project, manager):
    """NEWS (annotated, skipped once, predicted), EMOJI (annotated), one unlabeled task."""
    upload(session, project, manager, "tasks.json",
           as_json([news_record(), emoji_record(), {"text": "Nobody here."}]))
    return project


def test_json_export_gives_back_what_was_imported__DM_2(session, labeled, manager):
    exported = json.loads(_export(session, labeled, "json"))
    assert [task["data"]["text"] for task in exported] == [NEWS, EMOJI]
    news = exported[0]
    assert (news["project"], news["meta"]) == (labeled.id, {"source": "unit test"})
    imported = news_record()
    assert [a["result"] for a in news["annotations"]] == [
        a["result"] for a in imported["annotations"]]
    assert [(a["was_cancelled"], a["ground_truth"], a["lead_time"], a["completed_by"])
            for a in news["annotations"]] == [(False, True, 12.5, manager.id),
                                              (True, False, None, manager.id)]
    assert [(p["result"], p["score"], p["model_version"]) for p in news["predictions"]] == [
        (imported["predictions"][0]["result"], 0.75, "imported")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", news["created_at"])


def test_json_export_reimports_unchanged__DM_2(session, factory, labeled, manager):
    first = _export(session, labeled, "JSON", only_annotated=False)
    copy = factory.project(owner=manager, template="sentiment_ner")
    result = upload(session, copy, manager, "export.json", first)
    assert (result.task_count, result.annotation_count, result.prediction_count) == (3, 3, 1)

    def comparable(raw: bytes) -> list:
        return [(t["data"], t["meta"], [a["result"] for a in t["annotations"]],
                 [p["result"] for p in t["predictions"]]) for t in json.loads(raw)]

    assert comparable(_export(session, copy, "JSON", only_annotated=False)) == comparable(first)


def test_only_annotated_is_the_default__DM_2(session, labeled):
    assert len(json.loads(_export(session, labeled, "JSON"))) == 2
    assert len(json.loads(_export(session, labeled, "JSON", only_annotated=False))) == 3


def test_json_min_has_one_row_per_submitted_annotation__DM_2(session, labeled, manager):
    rows = json.loads(_export(session, labeled, "JSON_MIN"))
    assert [row["id"] for row in rows] == [rows[0]["id"], rows[0]["id"] + 1]
    news, emoji = rows
    assert news["text"] == NEWS and news["sentiment"] == "Positive"
    assert news["label"] == [
        {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PER"]},
        {"start": 17, "end": 32, "text": "Charles Babbage", "labels": ["PER"]},
        {"start": 36, "end": 42, "text": "London", "labels": ["LOC"]},
    ]
    assert (news["annotator"], news["lead_time"]) == (manager.email, 12.5)
    assert {"annotation_id", "created_at", "updated_at"} <= news.keys()
    # Offsets are code points: slicing the text gives the span back after emoji (LBL-1).
    assert [EMOJI[s["start"]:s["end"]] for s in emoji["label"]] == ["Bob", "London"]


def test_json_min_keeps_multiple_choices_as_a_list__DM_2(session, factory, manager):
    project = factory.project(owner=manager, template="multi_label_classification")
    upload(session, project, manager, "t.json", as_json([
        {"data": {"text": "a"}, "annotations": [{"result": [choice("Sports", "topics")]}]}]))
    assert json.loads(_export(session, project, "JSON_MIN"))[0]["topics"] == ["Sports"]


@pytest.mark.parametrize(("export_type", "dialect"), [("CSV", csv.excel), ("tsv", csv.excel_tab)])
def test_csv_and_tsv_have_a_header_and_min_rows__DM_2(session, labeled, export_type, dialect):
    export = export_project(session, labeled, export_type, only_annotated=False)
    assert export.filename.endswith("." + export_type.lower())
    rows = list(csv.reader(io.StringIO(b"".join(export.chunks).decode(), newline=""), dialect))
    assert rows[0] == ["id", "text", "label", "sentiment", "annotator", "annotation_id",
                       "created_at", "updated_at", "lead_time"]
    table = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [row["text"] for row in table] == [NEWS, EMOJI, "Nobody here."]
    assert json.loads(table[0]["label"])[2]["text"] == "London"
    assert (table[0]["sentiment"], table[0]["lead_time"]) == ("Positive", "12.5")
    assert table[2]["label"] == table[2]["annotator"] == ""


def test_conll_tags_a_known_sentence__DM_2(session, labeled):
    lines = _export(session, labeled, "CONLL2003").decode().split("\n")
    assert lines[:11] == [
        "-DOCSTART- -X- O",
        "Ada -X- _ B-PER", "Lovelace -X- _ I-PER", "met -X- _ O",
        "Charles -X- _ B-PER", "Babbage -X- _ I-PER", "in -X- _ O",
        "London -X- _ B-LOC", ". -X- _ O", "", "👩\u200d💻 -X- _ O",  # one token, as Label Studio's
    ]
    emoji_sentence = lines[10:lines.index("", 10)]
    tagged = [line for line in emoji_sentence if not line.endswith(" O")]
    assert tagged == ["Bob -X- _ B-PER", "London -X- _ B-LOC"]


def test_conll_needs_a_labels_control__DM_2(session, factory, manager):
    project = factory.project(owner=manager, template="text_classification")
    with pytest.raises(ExportError, match="needs a <Labels> control"):
        export_project(session, project, "CONLL2003")


def test_spacy_docbin_has_entities_and_cats__DM_2(session, labeled):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    export = export_project(session, labeled, "SPACY")
    assert export.filename.endswith(".spacy")
    news, emoji = DocBin().from_bytes(b"".join(export.chunks)).get_docs(Vocab())
    assert [(e.text, e.label_) for e in news.ents] == [
        ("Ada Lovelace", "PER"), ("Charles Babbage", "PER"), ("London", "LOC")]
    assert news.cats == {"Positive": 1.0, "Negative": 0.0, "Neutral": 0.0}
    assert [(e.text, e.label_, e.start_char) for e in emoji.ents] == [
        ("Bob", "PER", EMOJI.index("Bob")), ("London", "LOC", EMOJI.index("London"))]
    assert emoji.cats["Neutral"] == 1.0


def test_spacy_skips_overlapping_spans__DM_2(session, project, manager):
    text = "New York City"
    result = [{"from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": start, "end": end, "labels": [label]}}
              for start, end, label in [(0, 2, "LOC"), (2, 8, "ORG"), (4, 13, "MISC")]]
    upload(session, project, manager, "t.json", as_json([{"data": {"text": text},
                                                          "annotations": [{"result": result}]}]))
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    (doc,) = DocBin().from_bytes(_export(session, project, "spacy")).get_docs(Vocab())
    # MISC overlaps ORG in characters; ORG, widened to whole tokens, overlaps LOC.
    assert [(e.text, e.label_) for e in doc.ents] == [("New", "LOC")]
    conll = _export(session, project, "CONLL2003").decode().splitlines()
    assert conll[1:4] == ["New -X- _ B-LOC", "York -X- _ B-ORG", "City -X- _ O"]


def test_conll_tokens_are_label_studio_treebank_tokens__issue_16_point_6(session, project, manager):
    text = "U.S. officials doesn't know O'Neil's well-known plan."
    start = text.index("O'Neil")
    result = [{"from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": start, "end": start + 6, "labels": ["PER"]}}]
    upload(session, project, manager, "t.json", as_json([{"data": {"text": text},
                                                          "annotations": [{"result": result}]}]))
    conll = _export(session, project, "CONLL2003").decode().splitlines()
    assert [line.split(" ")[0] for line in conll[1:-1]] == [
        "U.S.", "officials", "does", "n't", "know", "O'Neil", "'s", "well-known", "plan", "."]
    assert "O'Neil -X- _ B-PER" in conll and "'s -X- _ O" in conll


def test_unknown_export_type_lists_the_valid_ones__DM_2(session, labeled):
    with pytest.raises(ExportError) as caught:
        export_project(session, labeled, "XML")
    assert caught.value.message == (
        "Unknown export type 'XML'; choose one of JSON, JSON_MIN, CSV, TSV, CONLL2003, SPACY.")


def test_filename_names_project_and_time__DM_2(session, labeled):
    export = export_project(session, labeled, "json_min")
    assert re.fullmatch(rf"project-{labeled.id}-at-\d{{4}}(-\d\d){{4}}\.json", export.filename)
    assert export.mimetype == "application/json"


def test_export_pages_by_keyset_with_a_fixed_number_of_queries__DM_2(session, project, manager,
                                                                    monkeypatch):
    upload(session, project, manager, "t.json", as_json([news_record()] * 7))
    session.refresh(project)  # load it now, so only the export's own queries are counted
    monkeypatch.setattr(pages, "PAGE_SIZE", 3)
    statements: list[str] = []
    engine = session.get_bind()
    def listener(_conn, _cursor, statement, *_):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        exported = json.loads(_export(session, project, "JSON"))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(exported) == 7 and len({t["id"] for t in exported}) == 7
    # 3 pages + the empty one that ends it; per page: tasks, annotations, emails, predictions,
    # drafts (issue 16 point 2).
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3 * 5 + 1


@pytest.mark.parametrize(("template", "item", "expected"), [
    ("free_text", {"from_name": "summary", "type": "textarea", "value": {"text": ["Ada met Bob."]}},
     "Ada met Bob."),
    ("rating", {"from_name": "rating", "type": "rating", "value": {"rating": 4}}, 4),
])
def test_json_min_flattens_text_areas_and_ratings__DM_2(session, factory, manager, template, item,
                                                        expected):
    project = factory.project(owner=manager, template=template)
    result = [{**item, "to_name": "text"}]
    upload(session, project, manager, "t.json", as_json([{"data": {"text": "a"},
                                                          "annotations": [{"result": result}]}]))
    assert json.loads(_export(session, project, "JSON_MIN"))[0][item["from_name"]] == expected


def test_spacy_cats_without_spans_and_multiple_choices__DM_2(session, factory, manager):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    project = factory.project(owner=manager, template="multi_label_classification")
    result = [{"from_name": "topics", "to_name": "text", "type": "choices",
               "value": {"choices": ["Sports", "Science"]}}]
    upload(session, project, manager, "t.json", as_json([{"data": {"text": "Goal!"},
                                                          "annotations": [{"result": result}]}]))
    (doc,) = DocBin().from_bytes(_export(session, project, "SPACY")).get_docs(Vocab())
    assert doc.cats == {"Politics": 0.0, "Business": 0.0, "Technology": 0.0, "Sports": 1.0,
                        "Science": 1.0}
    assert list(doc.ents) == []


def test_spacy_needs_a_text_object__DM_2(session, factory, manager):
    config = ('<View><HyperText name="page" value="$html"/>'
              '<Choices name="c" toName="page"><Choice value="A"/></Choices></View>')
    project = factory.project(owner=manager, label_config=config)
    with pytest.raises(ExportError, match="SPACY export needs a <Text> object"):
        export_project(session, project, "SPACY")
