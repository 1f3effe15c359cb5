"""Import of tasks, pre-annotations and predictions from every format (DM-2)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.io.conftest import NEWS, as_json, emoji_record, news_record, span, upload
from webapp.io import TaskImportError, import_records, importers
from webapp.labels_in_use import cache_key
from webapp.models import Annotation, Prediction, Task


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _texts(session) -> list[str]:
    return [data["text"] for data in session.scalars(select(Task.data).order_by(Task.id))]


@pytest.mark.parametrize(("filename", "content"), [
    ("tasks.json", '[{"data": {"text": "one"}}, {"text": "two", "extra": 1}]'),
    ("tasks.jsonl", '{"data": {"text": "one"}}\n\n{"text": "two", "extra": 1}\n'),
    ("tasks.csv", "\ufefftext,extra\none,1\n\"two\",\"1\"\r\n"),
    ("tasks.TSV", "text\textra\none\t1\ntwo\t1\n"),
    ("tasks.txt", "one\n\n  two  \n"),
])
def test_every_format_imports_its_tasks__DM_2(session, project, manager, filename, content):
    result = upload(session, project, manager, filename, content)
    assert (result.task_count, result.annotation_count, result.prediction_count) == (2, 0, 0)
    assert _texts(session) == ["one", "two"]


def test_json_preannotations_set_counters_and_rows__DM_2(session, project, manager):
    records = as_json([news_record(), emoji_record()])
    result = upload(session, project, manager, "tasks.json", records)
    assert (result.task_count, result.annotation_count, result.prediction_count) == (2, 3, 1)
    news, emoji = session.scalars(select(Task).order_by(Task.id)).all()
    assert (news.total_annotations, news.cancelled_annotations, news.total_predictions) == (1, 1, 1)
    assert news.has_ground_truth and news.is_labeled and news.meta == {"source": "unit test"}
    assert (emoji.total_annotations, emoji.has_ground_truth, emoji.is_labeled) == (1, False, True)
    annotations = session.scalars(select(Annotation).order_by(Annotation.id)).all()
    assert {a.completed_by_id for a in annotations} == {manager.id}
    assert [(a.was_cancelled, a.ground_truth, a.lead_time) for a in annotations] == [
        (False, True, 12.5), (True, False, None), (False, False, None)]
    assert annotations[0].result == news_record()["annotations"][0]["result"]
    prediction = session.scalar(select(Prediction))
    assert (prediction.task_id, prediction.score) == (news.id, 0.75)
    assert prediction.model_version == "imported"
    session.refresh(project)  # LBL-2: the labels-in-use cache counts each annotation once
    assert project.labels_in_use == {cache_key("label", "PER"): 2, cache_key("label", "LOC"): 2,
                                     cache_key("sentiment", "Positive"): 1,
                                     cache_key("sentiment", "Neutral"): 1}


def test_jsonl_carries_preannotations_too__DM_2(session, project, manager):
    content = "\n".join(json.dumps(r) for r in [news_record(), emoji_record()])
    assert upload(session, project, manager, "tasks.jsonl", content).annotation_count == 3


def test_new_tasks_get_the_enforced_overlap__DM_2(session, factory, manager):
    # QA-1: at 100% every task needs the minimum, so one annotation does not finish it.
    full = factory.project(owner=manager, template="sentiment_ner", annotations_per_task_minimum=2)
    upload(session, full, manager, "tasks.json", as_json([news_record()]))
    task = session.scalar(select(Task).where(Task.project_id == full.id))
    assert (task.overlap, task.total_annotations, task.is_labeled) == (2, 1, False)
    # At 50%, half of any 100 consecutive new tasks need the minimum.
    partial = factory.project(owner=manager, template="ner", annotations_per_task_minimum=3,
                              overlap_percentage=50)
    upload(session, partial, manager, "more.txt", "\n".join(f"line {i}" for i in range(100)))
    overlaps = session.scalars(select(Task.overlap).where(Task.project_id == partial.id)).all()
    assert sorted(set(overlaps)) == [1, 3] and overlaps.count(3) == 50


def test_import_records_takes_one_task_or_a_list__DM_2(session, project, manager):
    assert import_records(session, project, manager, {"text": "flat"}).task_count == 1
    assert import_records(session, project, manager, [{"data": {"text": "x"}}] * 3).task_count == 3
    assert _count(session, Task) == 4


def test_txt_fills_the_configs_only_data_field__DM_2(session, factory, manager):
    config = '<View><Text name="t" value="$review"/><TextArea name="n" toName="t"/></View>'
    project = factory.project(owner=manager, label_config=config)
    upload(session, project, manager, "reviews.txt", "great\nbad\n")
    assert session.scalars(select(Task.data).order_by(Task.id)).all() == [{"review": "great"},
                                                                           {"review": "bad"}]


def test_many_tasks_are_inserted_in_batches__DM_2(session, project, manager, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_SIZE", 2)
    records = [news_record() for _ in range(5)]
    result = upload(session, project, manager, "tasks.json", as_json(records))
    assert result.task_count == 5
    assert (_count(session, Annotation), _count(session, Prediction)) == (10, 5)
    per_task = session.execute(
        select(Annotation.task_id, func.count()).group_by(Annotation.task_id)).all()
    assert sorted(n for _, n in per_task) == [2] * 5


# --- Bad input: a clear message naming the line or record, and nothing stored (DM-2) ---

ACCEPTED = ".json, .jsonl, .csv, .tsv, .txt"

def _bad_ner(label: str = "X") -> dict:
    record = news_record()
    record["annotations"][0]["result"][0]["value"]["labels"] = [label]
    return record


def _refused(session, project, user, filename: str, content: str | bytes) -> str:
    with pytest.raises(TaskImportError) as caught:
        upload(session, project, user, filename, content)
    session.rollback()
    assert [_count(session, model) for model in (Task, Annotation, Prediction)] == [0, 0, 0]
    return caught.value.message


def test_bad_record_in_the_middle_stores_nothing__DM_2(session, project, manager):
    records = [news_record(), _bad_ner(), news_record()]
    message = _refused(session, project, manager, "tasks.json", as_json(records))
    assert message.startswith(
        "record 2, annotation 1: result[0]: label 'X' is not in control 'label'")


def test_bad_jsonl_line_is_named__DM_2(session, project, manager):
    lines = [news_record(), {"data": {"title": "no text"}}, news_record()]
    content = "\n".join(json.dumps(line) for line in lines)
    message = _refused(session, project, manager, "tasks.jsonl", content)
    assert message == "line 2: data has no field 'text' (the labeling config uses: text)."


def test_missing_csv_column_is_named__DM_2(session, project, manager):
    message = _refused(session, project, manager, "tasks.csv", "title\na\nb\n")
    assert message == "line 2: data has no field 'text' (the labeling config uses: text)."


def test_csv_row_with_wrong_width_is_named__DM_2(session, project, manager):
    message = _refused(session, project, manager, "tasks.tsv", "text\tn\na\t1\nb\n")
    assert message == "line 3: has 1 values but the header has 2 columns."


def test_bad_prediction_is_named__DM_2(session, project, manager):
    record = news_record()
    record["predictions"].append({"result": [span(NEWS, "London", "LOC")], "score": "high"})
    message = _refused(session, project, manager, "tasks.json", as_json([record]))
    assert message == "record 1, prediction 2: score must be a finite number, not a string."


@pytest.mark.parametrize(("content", "expected"), [
    ('[{"data": {"text": "a"}}\n {"data": {"text": "b"}}]',
     "line 2: invalid JSON: Expecting ',' delimiter (column 2)"),
    ('{"text": "a"}\n{"text": "b"',
     "line 2: invalid JSON: Expecting ',' delimiter (column 13)"),
])
def test_invalid_json_names_the_line__DM_2(session, project, manager, content, expected):
    filename = "tasks.json" if content.startswith("[") else "tasks.jsonl"
    assert _refused(session, project, manager, filename, content) == expected


@pytest.mark.parametrize(("filename", "content", "expected"), [
    ("tasks.xml", "<a/>", f"Cannot import file type '.xml'; accepted: {ACCEPTED}."),
    ("tasks", "x", f"Cannot import a file without extension; accepted: {ACCEPTED}."),
    ("tasks.json", "  \n", "tasks.json is empty."),
    ("tasks.json", "[]", "tasks.json contains no tasks."),
    ("tasks.csv", "text\n", "tasks.csv contains no tasks."),
    ("tasks.json", "42", "The JSON must be a list of tasks or one task object."),
    ("tasks.json", '["text"]', "record 1: a task must be a JSON object, not a string."),
    ("tasks.json", '[{"data": {"text": "a"}, "annotations": {}}]',
     "record 1: annotations must be a list, not an object."),
    ("tasks.json", '[{"data": {"text": "a"}, "annotations": [{"result": null}]}]',
     "record 1, annotation 1: must be an object with a 'result' list."),
    ("tasks.json", '[{"data": {"text": "a"}, "annotations": [{"result": [], "lead_time": -1}]}]',
     "record 1, annotation 1: lead_time must be at least 0, got -1."),
    ("tasks.txt", "caf\xe9\n\xff\n".encode("latin-1"),
     "line 1: tasks.txt is not UTF-8 text (byte 0xe9 at offset 3); "
     "save it as UTF-8 and import it again."),
])
def test_refused_files_say_why__DM_2(session, project, manager, filename, content, expected):
    assert _refused(session, project, manager, filename, content) == expected


def test_span_text_must_match_the_emoji_offsets__DM_2(session, project, manager):
    record = emoji_record()
    record["annotations"][0]["result"][0]["value"]["start"] += 1  # "ob " instead of "Bob"
    message = _refused(session, project, manager, "tasks.json", as_json([record]))
    assert message.startswith("record 1, annotation 1: result[0]: value.text 'Bob' does not match")


def test_failure_while_writing_rolls_everything_back__DM_2(session, project, manager, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_SIZE", 1)
    original, calls = importers._Writer._insert_batch, []

    def failing_second_batch(writer, session_, batch):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(writer, session_, batch)

    monkeypatch.setattr(importers._Writer, "_insert_batch", failing_second_batch)
    with pytest.raises(RuntimeError):
        upload(session, project, manager, "tasks.json", as_json([news_record()] * 3))
    assert (_count(session, Task), _count(session, Annotation)) == (0, 0)
