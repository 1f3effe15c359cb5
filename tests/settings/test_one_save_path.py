"""Issue 14 point 1: every settings tab and PATCH /api/projects/<id> save through one path
(update_settings): each save writes a history row and queues a PROJECT_UPDATED webhook."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integrations.conftest import LOOPBACK
from tests.settings.section_helpers import auth, manager, post_section, project  # noqa: F401 - fixtures
from tests.settings.test_annotation import VALID as ANNOTATION
from tests.settings.test_quality import VALID as QUALITY
from tests.settings.test_review import VALID as REVIEW
from webapp.integrations.webhooks import WebhookSettings, create_webhook
from webapp.labeling import NLP_TEMPLATES
from webapp.models import ProjectEvent, WebhookDelivery
from webapp.secret_box import SecretBox, generate_key

TABS = {
    "general": lambda p: ({"workspace": p.workspace_id, "title": "Renamed", "color": p.color}, "title"),
    "labeling": lambda p: ({"label_config": NLP_TEMPLATES["text_classification"].xml}, "label_config"),
    "annotation": lambda p: (ANNOTATION, "reservation_minutes"),
    "review": lambda p: (REVIEW, "reviewed_when"),
    "quality": lambda p: (QUALITY, "maximum_annotations"),
    "model": lambda p: ({"start_training_on_annotation_update": "y"}, "start_training_on_annotation_update"),
}


@pytest.fixture
def webhook(session, project):
    hook = create_webhook(session, project, WebhookSettings(url="http://127.0.0.1:9/hook"), LOOPBACK,
                          SecretBox((generate_key(),)))
    session.commit()
    return hook


@pytest.mark.parametrize("tab", list(TABS))
def test_issue14_point1_each_tab_records_history_and_queues_project_updated(
    tab, manager_client, session, manager, project, webhook
):
    data, field = TABS[tab](project)
    response = post_section(manager_client, project, tab, data)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    events = session.scalars(select(ProjectEvent).where(ProjectEvent.project_id == project.id)).all()
    assert [(e.event, e.actor_id) for e in events] == [("PROJECT_UPDATED", manager.id)]
    assert field in events[0].fields
    deliveries = session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id)).all()
    assert [d.action for d in deliveries] == ["PROJECT_UPDATED"]
    assert field in deliveries[0].payload["fields"]


def test_issue14_point1_api_patch_accepts_the_training_setting(app, session, manager, project, webhook):
    """Label Studio's field name, start_training_on_annotation_update, is used as is."""
    client = app.test_client()
    response = client.patch(f"/api/projects/{project.id}", json={"start_training_on_annotation_update": True},
                            headers=auth(manager))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["start_training_on_annotation_update"] is True
    session.refresh(project)
    assert project.start_training_on_annotation_update is True
    event = session.scalars(select(ProjectEvent).where(ProjectEvent.project_id == project.id)).one()
    assert event.fields == ["start_training_on_annotation_update"]
    refused = client.patch(f"/api/projects/{project.id}", json={"start_training_on_annotation_update": "yes"},
                           headers=auth(manager))
    assert refused.status_code == 400
    assert "start_training_on_annotation_update" in refused.get_json()["validation_errors"]


def test_issue14_point1_one_settings_form_base_class():
    from webapp.forms import settings_annotation, settings_general, settings_labeling, settings_model
    from webapp.forms import settings_quality, settings_review, settings_shared

    forms = (settings_general.GeneralForm, settings_labeling.LabelingForm, settings_annotation.AnnotationForm,
             settings_review.ReviewForm, settings_quality.QualityForm, settings_model.TrainOnSubmitForm)
    assert all(issubclass(form, settings_shared.SettingsForm) for form in forms)
    modules = (settings_general, settings_labeling, settings_annotation, settings_review, settings_quality, settings_model)
    assert {vars(m).get("SettingsForm") for m in modules} <= {settings_shared.SettingsForm, None}
