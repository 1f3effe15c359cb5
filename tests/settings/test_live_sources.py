"""The Annotation tab's live predictions select offers the project's models (followed as
they retrain) as well as its prediction sets (LIVE-1, SAMP-3)."""
from __future__ import annotations

import warnings

from tests.settings.section_helpers import browser_client, manager, post_section, project  # noqa: F401 - fixtures
from tests.settings.test_annotation import VALID
from webapp.ml.sources import source_choices, source_version
from webapp.models import Prediction
from webapp.models.ml import MLModel, ModelKind, ModelVersion


def _model_with_predictions(session, factory, project) -> MLModel:
    task = factory.tasks(project, ["Alice met Bob"])[0]
    model = MLModel(project_id=project.id, kind=ModelKind.BUILTIN, title="Built-in NER")
    session.add(model)
    session.flush()
    session.add(ModelVersion(model_id=model.id, version="m-v1"))
    session.add(Prediction(task_id=task.id, project_id=project.id, result=[], model_version="m-v1"))
    session.add(Prediction(task_id=task.id, project_id=project.id, result=[], model_version="imported"))
    session.commit()
    return model


def test_models_and_prediction_sets_are_both_sources__LIVE_1_SAMP_3(browser_client, project, session, factory):
    model = _model_with_predictions(session, factory, project)
    assert [value for value, _ in source_choices(session, project.id)] == [
        f"model:{model.id}", "version:imported", "version:m-v1"]
    html = browser_client.get(f"/projects/{project.id}/settings/annotation").get_data(as_text=True)
    assert f'value="model:{model.id}"' in html and "Built-in NER" in html and 'value="version:imported"' in html
    assert "No models or prediction sets yet" not in html


def test_choosing_a_model_follows_its_newest_version__LIVE_1_SAMP_3(browser_client, project, session, factory):
    model = _model_with_predictions(session, factory, project)
    response = post_section(browser_client, project, "annotation", {**VALID, "live_predictions_source": f"model:{model.id}"})
    assert response.status_code == 200
    session.refresh(project)
    assert project.live_predictions_source == f"model:{model.id}"
    html = browser_client.get(f"/projects/{project.id}/settings/annotation").get_data(as_text=True)
    assert f'<option selected value="model:{model.id}"' in html or f'value="model:{model.id}" selected' in html
    assert source_version(session, project) == "m-v1"


def test_a_model_without_predictions_yet_is_offered_too__LIVE_1(browser_client, project, session):
    session.add(MLModel(project_id=project.id, kind=ModelKind.BUILTIN, title="Fresh model"))
    session.commit()
    html = browser_client.get(f"/projects/{project.id}/settings/annotation").get_data(as_text=True)
    assert "Fresh model" in html and "No models or prediction sets yet" not in html


def test_the_annotation_form_raises_no_deprecation_warning__LIVE_1(browser_client, project, session, factory):
    _model_with_predictions(session, factory, project)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        assert browser_client.get(f"/projects/{project.id}/settings/annotation").status_code == 200
        post_section(browser_client, project, "annotation", {**VALID, "live_predictions_source": "version:m-v1"})
