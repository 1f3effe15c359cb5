"""OPT-4: hidden pre-annotations appear only inside a stretch of text the annotator selects
(the browser half is tests/e2e/test_reveal_preannotations.py)."""
from __future__ import annotations

import json
import re

import pytest

from tests.factories import login
from webapp.models import OrgRole, Prediction

TEXT = "Ada Lovelace met Charles Babbage."


def _region(start: int, end: int, hidden: bool = True) -> dict:
    return {"id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels", "hidden": hidden,
            "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": ["PER"]}}


def reveal_project(session, factory, reveal: bool):
    manager, annotator = factory.user(OrgRole.MANAGER), factory.user(OrgRole.ANNOTATOR)
    project = factory.project(owner=manager, template="ner", live_predictions_source="version:v1",
                              reveal_preannotations_interactively=reveal)
    (task,) = factory.tasks(project, [TEXT])
    factory.member(project, annotator)
    session.add(Prediction(task_id=task.id, project_id=project.id, model_version="v1",
                           result=[_region(0, 12), _region(17, 32)], score=0.5))
    session.commit()
    return project, annotator


@pytest.mark.parametrize("reveal", [True, False])
def test_editor_state_says_whether_to_hold_hidden_regions__OPT_4(client, session, factory, reveal):
    project, annotator = reveal_project(session, factory, reveal)
    login(client, annotator)
    page = client.get(f"/projects/{project.id}/stream").get_data(as_text=True)
    state = json.loads(re.search(r'class="ed-state">(.*?)</script>', page, re.S).group(1))
    assert state.get("reveal_hidden", False) is reveal and len(state["result"]) == 2
