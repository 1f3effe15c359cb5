"""The Labeling interface section's form (LBL-1, LBL-2)."""
from __future__ import annotations

from wtforms import TextAreaField

from webapp.forms.settings_shared import SettingsForm


class LabelingForm(SettingsForm):
    label_config = TextAreaField("Labeling config (XML)")

    def changes(self) -> dict:
        return {"label_config": self.label_config.data or ""}

