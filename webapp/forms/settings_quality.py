"""The Quality settings form (QA-1..5), with fields generated from the labeling config."""
from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.widgets import NumberInput, RangeInput
from wtforms.fields.choices import SelectChoice

from webapp.forms.settings_shared import HelpRadioField, SettingsForm, number_field, setting_checkbox
from webapp.labeling import ConfigError, ControlType, LabelingConfig, parse_config
from webapp.models import LowAgreementStrategy
from webapp.models.enums import DEFAULT_AGREEMENT_METRICS
from webapp.project_settings_fields import SUITED_METRICS

METRIC_NAMES = {
    "exact_match": "Exact match", "jaccard": "Jaccard (set overlap)",
    "span_f1": "Span F1 (IoU-matched spans)", "span_iou": "Span IoU",
    "edit_distance": "Text similarity (edit distance)", "closeness": "Closeness",
    "path_overlap": "Path overlap",
}
LOW_AGREEMENT = [
    (LowAgreementStrategy.DO_NOTHING.value, "Do nothing",
     "Tasks with a low agreement can be marked complete; no additional actions are taken."),
    (LowAgreementStrategy.ASSIGN_ADDITIONAL_ANNOTATOR.value, "Assign additional annotator",
     "Automatically assign an additional annotator to tasks with low agreement."),
]
WEIGHTED = (ControlType.LABELS, ControlType.CHOICES)  # controls whose options carry weights


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value  # the label_weights parser refuses it with its message


class QualityForm(SettingsForm):
    maximum_annotations = number_field(
        "Annotations per task minimum", "maximum_annotations",
        description="By default, each task only needs to be annotated by one annotator.",
    )
    overlap_cohort_percentage = number_field(
        "Enforce overlap for this share of tasks (%)", "overlap_cohort_percentage", widget=RangeInput(),
    )
    show_overlap_first = setting_checkbox(
        "Show tasks with overlap first", "show_overlap_first",
        "If only some tasks require multiple annotators, those tasks are shown first. "
        "If your overlap is 100%, then this setting has no effect.",
    )
    show_ground_truth_first = setting_checkbox(
        "Show tasks with ground truth labels first", "show_ground_truth_first",
        "Prioritize tasks that already have a ground truth label.",
    )
    low_agreement_strategy = HelpRadioField("Low agreement strategy", "low_agreement_strategy", LOW_AGREEMENT)
    agreement_threshold = number_field(
        "Desired agreement threshold (%)", "agreement_threshold",
        description="The agreement (1-100) a task must have before it can be considered complete.",
    )
    max_additional_annotators = number_field(
        "Maximum additional annotators", "max_additional_annotators",
        description="Annotators are assigned one at a time until the agreement threshold is achieved. "
                    "If left blank, there is no limit to additional annotators.",
    )

    def changes(self) -> dict:
        changes = super().changes()
        changes["agreement_metrics"] = {ctype: self[name].data for name, ctype in self.metric_fields}
        weights: dict[str, dict] = {}
        for name, control, label in self.weight_fields:
            weights.setdefault(control, {})[label] = self[name].data
        changes["label_weights"] = weights
        return changes


def quality_form(project, *args, **kwargs) -> QualityForm:
    """A QualityForm with one metric per control type and one weight per label of the config."""
    config = _config(project.label_config)

    class Form(QualityForm):
        metric_fields: list[tuple[str, str]] = []
        weight_fields: list[tuple[str, str, str]] = []

    for ctype in dict.fromkeys(c.type.value for c in config.controls.values()):
        name = f"metric_{ctype}"
        chosen = project.agreement_metrics.get(ctype, DEFAULT_AGREEMENT_METRICS.get(ctype))
        choices = [SelectChoice(m.value, METRIC_NAMES[m.value]) for m in SUITED_METRICS[ctype]]
        setattr(Form, name, SelectField(f"{ctype}", choices=choices, default=chosen, validate_choice=False))
        Form.metric_fields.append((name, ctype))
    for i, control in enumerate(c for c in config.controls.values() if c.type in WEIGHTED):
        stored = project.label_weights.get(control.name, {})
        for j, label in enumerate(control.option_values):
            name = f"weight_{i}_{j}"
            widget = NumberInput(step=0.05, min=0, max=1)
            setattr(Form, name, StringField(label, default=stored.get(label, 1.0), filters=[_float], widget=widget))
            Form.weight_fields.append((name, control.name, label))
    return Form(project, *args, **kwargs)


def _config(xml: str) -> LabelingConfig:
    try:
        return parse_config(xml)
    except ConfigError:
        return LabelingConfig()  # nothing to weigh until the config is valid
