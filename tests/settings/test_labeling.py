"""Labeling interface settings (LBL-1..3) and the labels-in-use cache behind LBL-2."""
from __future__ import annotations

from tests.settings.conftest import post
from webapp.labeling import NLP_TEMPLATES
from webapp.labels_in_use import count_labels_in_use, update_labels_in_use
from webapp.models import Annotation

NER_WITHOUT_PER = NLP_TEMPLATES["ner"].xml.replace('    <Label value="PER" background="#FFA39E"/>\n', "")


def url(project) -> str:
    return f"/projects/{project.id}/settings/labeling"


def span(label: str) -> list:
    return [{"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 3, "text": "Ada", "labels": [label]}}]


def test_page_has_editor_templates_and_preview__LBL_1_LBL_3(manager_client, team):
    _, project = team
    html = manager_client.get(url(project)).get_data(as_text=True)
    assert 'name="label_config"' in html and 'class="code-editor"' in html and "js/config_editor.js" in html
    assert 'data-hx-trigger="keyup changed delay:500ms"' in html
    assert all(t.title in html for t in NLP_TEMPLATES.values())
    assert 'id="config-preview"' in html and 'data-value="PER"' in html  # the current config, previewed


def test_template_picker_fills_the_editor_without_saving__LBL_1(manager_client, session, team):
    _, project = team
    html = manager_client.get(f"{url(project)}?template=text_classification").get_data(as_text=True)
    assert "Positive" in html
    session.refresh(project)
    assert "Positive" not in project.label_config


def test_preview_renders_config_on_sample_task__LBL_3(manager_client, team):
    _, project = team
    xml = NLP_TEMPLATES["text_classification"].xml
    html = post(manager_client, f"{url(project)}/preview", {"label_config": xml}).get_data(as_text=True)
    assert 'data-value="Positive"' in html and 'class="ed-object ed-text"' in html
    assert "<html" not in html


def test_preview_and_save_show_errors_with_line__LBL_2(manager_client, session, team):
    _, project = team
    bad = '<View>\n  <Text name="text" value="$text"/>\n  <Bogus/>\n</View>'
    preview = post(manager_client, f"{url(project)}/preview", {"label_config": bad}).get_data(as_text=True)
    assert 'data-config-error-line="3"' in preview and "Line 3:" in preview
    saved = post(manager_client, url(project), {"label_config": bad}).get_data(as_text=True)
    assert "line 3:" in saved and "Saved" not in saved
    to_nowhere = bad.replace("<Bogus/>", '<Choices name="c" toName="nothing"><Choice value="A"/></Choices>')
    assert "nothing" in post(manager_client, url(project), {"label_config": to_nowhere}).get_data(as_text=True)
    session.refresh(project)
    assert project.label_config == NLP_TEMPLATES["ner"].xml


def test_errors_carry_their_line_for_the_editor__LBL_2(manager_client, team):
    """config_editor.js reads the line from #config-error, in the preview and after Save."""
    _, project = team
    bad = '<View>\n  <Text name="text" value="$text"/>\n  <Bogus/>\n</View>'
    marked = 'id="config-error" role="alert" data-config-error-line="3"'
    assert marked in post(manager_client, f"{url(project)}/preview", {"label_config": bad}).get_data(as_text=True)
    assert marked in post(manager_client, url(project), {"label_config": bad}).get_data(as_text=True)
    good = post(manager_client, f"{url(project)}/preview", {"label_config": NLP_TEMPLATES["ner"].xml})
    assert "data-config-error-line" not in good.get_data(as_text=True)


def test_save_a_valid_config__LBL_2(manager_client, session, team):
    _, project = team
    xml = NLP_TEMPLATES["text_classification"].xml
    assert "Saved" in post(manager_client, url(project), {"label_config": xml}).get_data(as_text=True)
    session.refresh(project)
    assert project.label_config == xml


def test_refuses_to_drop_a_label_annotations_use__LBL_2(manager_client, session, team, factory, app):
    manager, project = team
    tasks = factory.tasks(project, ["Ada"] * 12)
    session.add_all([Annotation(task_id=t.id, project_id=project.id, result=span("PER")) for t in tasks])
    session.commit()
    count_labels_in_use(session, project)
    session.commit()
    html = post(manager_client, url(project), {"label_config": NER_WITHOUT_PER}).get_data(as_text=True)
    assert "Label &#39;PER&#39; of control &#39;label&#39; is used in 12 annotations" in html
    api = app.test_client().patch(
        f"/api/projects/{project.id}", json={"label_config": NER_WITHOUT_PER},
        headers={"Authorization": f"Token {manager.api_token}"},
    )
    assert api.status_code == 400
    assert "Label 'PER' of control 'label' is used in 12 annotations" in api.get_json()["detail"]
    session.refresh(project)
    assert project.label_config == NLP_TEMPLATES["ner"].xml


def test_incremental_update_keeps_the_cache_current__LBL_2(team):
    _, project = team
    update_labels_in_use(project, None, span("PER"))
    update_labels_in_use(project, None, span("PER") + span("ORG"))
    update_labels_in_use(project, span("PER"), span("LOC"))
    update_labels_in_use(project, span("ORG"), None)
    assert project.labels_in_use == {"label\u001fPER": 1, "label\u001fLOC": 1}
