"""The labels-in-use cache follows every submit, change, delete and import (LBL-2)."""
from __future__ import annotations

import pytest

from webapp.annotations import Submission, delete_annotation, submit_annotation
from webapp.io import import_records
from webapp.labels_in_use import cache_key
from webapp.project_settings import apply_settings
from webapp.projects import ProjectError

PER = [{"from_name": "label", "to_name": "text", "type": "labels",
        "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}}]
NER_WITHOUT_PER = """<View><Labels name="label" toName="text"><Label value="ORG"/><Label value="LOC"/>
<Label value="MISC"/></Labels><Text name="text" value="$text"/></View>"""


def test_submit_and_delete_keep_cache_and_guard_config__LBL_2(session, factory):
    project = factory.project()
    [task] = factory.tasks(project, ["Alice went home"])
    annotation = submit_annotation(session, task.id, project.created_by, Submission(result=PER))
    session.refresh(project)
    assert project.labels_in_use == {cache_key("label", "PER"): 1}
    with pytest.raises(ProjectError, match="PER"):
        apply_settings(project, {"label_config": NER_WITHOUT_PER})
    session.rollback()
    delete_annotation(session, annotation)
    session.refresh(project)
    assert project.labels_in_use == {}
    apply_settings(project, {"label_config": NER_WITHOUT_PER})


def test_imported_annotations_count__LBL_2(session, factory):
    project = factory.project()
    import_records(session, project, project.created_by,
                   [{"data": {"text": "Alice went home"}, "annotations": [{"result": PER}]}])
    session.refresh(project)
    assert project.labels_in_use == {cache_key("label", "PER"): 1}


def test_annotation_changes_reach_listeners_inside_the_transaction(session, factory):
    from webapp import hooks

    seen = []

    def listener(_session, event):
        seen.append((event.change, event.task.id, event.actor_id))

    hooks.on_annotation_change(listener)
    try:
        project = factory.project()
        [task] = factory.tasks(project, ["Alice went home"])
        user = project.created_by
        annotation = submit_annotation(session, task.id, user, Submission(result=PER))
        submit_annotation(session, task.id, user, Submission(result=[]))
        delete_annotation(session, annotation, actor_id=user.id)
    finally:
        hooks.remove_listener(listener)
    assert [c for c, _, _ in seen] == [hooks.AnnotationChange.CREATED, hooks.AnnotationChange.UPDATED,
                                      hooks.AnnotationChange.DELETED]
    assert all(t == task.id and a == user.id for _, t, a in seen)
