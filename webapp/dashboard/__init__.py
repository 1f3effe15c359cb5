"""Project dashboard figures (DASH-1, SKIP-4): aggregate queries over counters, no per-task loops."""
from webapp.dashboard.stats import AnnotatorRow, Progress, annotator_table, progress, task_states

__all__ = ["AnnotatorRow", "Progress", "annotator_table", "progress", "task_states"]
