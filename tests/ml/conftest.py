"""ML fixtures: projects labeled from small slices of ../shared/data (SLURP, WNUT17)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import insert

from webapp.models import Annotation, OrgRole, Project, Task, User
from webapp.models.ml import MLModel, ModelKind

DATA = Path("/work/shared/data")


def read_rows(name: str, n: int) -> list[dict]:
    path = DATA / ("slurp/slurp_scenarios.jsonl" if name == "slurp" else "wnut17/wnut17.jsonl")
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(n), f)]


def choices_config(labels, multiple: bool = False) -> str:
    options = "".join(f'<Choice value="{label}"/>' for label in labels)
    mode = "multiple" if multiple else "single"
    return f'<View><Text name="text" value="$text"/><Choices name="intent" toName="text" choice="{mode}">{options}</Choices></View>'


def labels_config(labels) -> str:
    options = "".join(f'<Label value="{label}"/>' for label in labels)
    return f'<View><Labels name="label" toName="text">{options}</Labels><Text name="text" value="$text"/></View>'


def choice_item(*labels: str) -> dict:
    return {"from_name": "intent", "to_name": "text", "type": "choices", "value": {"choices": list(labels)}}


def span_item(text: str, start: int, end: int, label: str) -> dict:
    return {"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


@dataclass
class Labeled:
    project: Project
    tasks: list[Task]
    model: MLModel
    user: User


def annotate(session, task: Task, user: User, result: list, ground_truth: bool = False) -> None:
    session.execute(insert(Annotation), [{
        "task_id": task.id, "project_id": task.project_id, "completed_by_id": user.id,
        "result": result, "ground_truth": ground_truth}])
    task.total_annotations += 1
    task.is_labeled = True
    task.has_ground_truth = task.has_ground_truth or ground_truth


@pytest.fixture
def labeled(session, factory):
    """labeled(config, texts, results, n_labeled, **settings): a project whose first
    `n_labeled` tasks carry the given results, plus its built-in model."""

    def make(config: str, texts: list[str], results: list[list], n_labeled: int | None = None,
             ground_truth: int = 0, **settings) -> Labeled:
        project = factory.project(label_config=config, **settings)
        tasks = factory.tasks(project, texts)
        user = factory.user(OrgRole.ANNOTATOR)
        for k, (task, result) in enumerate(zip(tasks[:n_labeled], results)):
            annotate(session, task, user, result, ground_truth=k < ground_truth)
        model = MLModel(project_id=project.id, kind=ModelKind.BUILTIN, title="Built-in")
        session.add(model)
        session.commit()
        return Labeled(project, tasks, model, user)

    return make


@pytest.fixture
def slurp(labeled):
    rows = read_rows("slurp", 240)
    labels = sorted({r["label"] for r in rows})
    return labeled(choices_config(labels), [r["text"] for r in rows], [[choice_item(r["label"])] for r in rows],
                   n_labeled=200)


@pytest.fixture
def wnut(labeled):
    rows = read_rows("wnut", 230)
    labels = sorted({s["label"] for r in rows for s in r["spans"]})
    results = [[span_item(r["text"], s["start"], s["end"], s["label"]) for s in r["spans"]] for r in rows]
    return labeled(labels_config(labels), [r["text"] for r in rows], results, n_labeled=200)


POSITIVE = ["great", "lovely", "excellent", "wonderful", "superb"]
NEGATIVE = ["awful", "terrible", "horrible", "dreadful", "poor"]


def sentiment_texts(n: int) -> tuple[list[str], list[str]]:
    """`n` short texts alternating pos/neg, with their labels."""
    texts, labels = [], []
    for i in range(n):
        pos = i % 2 == 0
        word = (POSITIVE if pos else NEGATIVE)[i // 2 % 5]
        texts.append(f"the film was {word} number {i}")
        labels.append("pos" if pos else "neg")
    return texts, labels


@pytest.fixture
def tiny(labeled):
    """30 sentiment tasks, the first 20 labeled (pos/neg alternate)."""
    texts, labels = sentiment_texts(30)
    return labeled(choices_config(["pos", "neg"]), texts, [[choice_item(lab)] for lab in labels], n_labeled=20)
