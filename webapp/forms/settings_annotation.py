"""The Annotation settings form (ANN-1..3, SKIP-*, OPT-*, LIVE-1, SAMP-*)."""
from __future__ import annotations

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from webapp.forms.settings_shared import (
    HelpRadioField,
    Parsed,
    SettingsForm,
    instructions_field,
    number_field,
    setting_checkbox,
)
from webapp.models import Distribution, Sampling, SkipQueue

DISTRIBUTION = [
    (Distribution.AUTO.value, "Auto",
     "Annotators are automatically assigned to tasks, and the option to manually assign annotators is "
     "disabled. Automatic assignments are distributed to all users with the Annotator role who are "
     "project members."),
    (Distribution.MANUAL.value, "Manual",
     "You must manually assign annotators to tasks. Annotators are not able to view any labeling tasks "
     "until they have those tasks manually assigned to them."),
]
SKIP_QUEUE = [
    (SkipQueue.REQUEUE_FOR_ME.value, "Requeue skipped tasks back to the annotator",
     "If an annotator skips a task, the task is moved to the bottom of their queue. They see the task "
     "again as they reach the end of their queue."),
    (SkipQueue.REQUEUE_FOR_OTHERS.value, "Requeue skipped tasks to others",
     "If an annotator skips a task, the task is removed from their queue and assigned to a different "
     "annotator."),
    (SkipQueue.IGNORE_SKIPPED.value, "Ignore skipped",
     "If an annotator skips a task, the task is marked as completed and removed from the annotator's "
     "queue; skipped tasks do not lower the project's progress."),
]
SAMPLING = [
    (Sampling.SEQUENTIAL.value, "Sequential sampling",
     "Tasks are shown to annotators in the same order that they appear on the Data Manager."),
    (Sampling.UNIFORM.value, "Uniform sampling", "Tasks are shown in random order."),
    (Sampling.UNCERTAINTY.value, "Uncertainty sampling",
     "Tasks with the least confident, or most uncertain, prediction scores from your model are shown "
     "first, to minimize the amount of data that needs to be labeled while maximizing the performance "
     "of the model."),
]
NO_LIVE_SOURCE = SelectChoice("", "No live predictions")


class AnnotationForm(SettingsForm):
    expert_instruction = instructions_field("Instructions", "expert_instruction")
    show_instruction = setting_checkbox("Show before labeling", "show_instruction")
    distribution = HelpRadioField("Distribute labeling tasks", "distribution", DISTRIBUTION)
    reservation_minutes = number_field(
        "Task reservation (minutes)", "reservation_minutes",
        description="How long a task stays reserved for the annotator who opened it (1-1440; 1440 is one day).",
    )
    skip_queue = HelpRadioField("Skip queue", "skip_queue", SKIP_QUEUE)
    show_skip_button = setting_checkbox(
        "Show Skip button", "show_skip_button", "Use this to show or hide the Skip action for annotators."
    )
    enable_empty_annotation = setting_checkbox(
        "Allow empty annotations", "enable_empty_annotation",
        "Annotators can submit a task even if they haven't added any labels or regions.",
    )
    show_data_manager_to_annotators = setting_checkbox(
        "Show the Data Manager to annotators", "show_data_manager_to_annotators",
        "When disabled, annotators can only enter the label stream. When enabled, they see the tasks they "
        "completed or drafted (Auto) or were assigned (Manual), without columns such as Annotators or Agreement.",
    )
    reveal_preannotations_interactively = setting_checkbox(
        "Reveal pre-annotations interactively", "reveal_preannotations_interactively",
        'Pre-annotation regions marked "hidden": true are revealed only where the annotator selects text.',
    )
    require_comment_on_skip = setting_checkbox(
        "Annotators must leave a comment on skip", "require_comment_on_skip",
        "When enabled, annotators are required to leave a comment when skipping a task.",
    )
    live_predictions_source = SelectField(
        "Live predictions", validators=[Parsed("live_predictions_source")], validate_choice=False
    )
    sampling = HelpRadioField("Task sampling", "sampling", SAMPLING)

    def __init__(self, project, sources: list[tuple[str, str]], *args, **kwargs):
        """`sources`: (value, label) of the live predictions sources (webapp.ml.sources)."""
        super().__init__(project, *args, **kwargs)
        self.live_predictions_source.choices = [NO_LIVE_SOURCE, *(SelectChoice(v, label) for v, label in sources)]

    @property
    def is_manual(self) -> bool:
        """The distribution being saved decides, not the stored one (ANN-3)."""
        return self.distribution.data == Distribution.MANUAL.value
