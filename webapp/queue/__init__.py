"""Which task an annotator gets next: reservations, skips, overlap, sampling."""
from webapp.queue.completion import refresh_task_state
from webapp.queue.next_task import next_task
from webapp.queue.overlap import overlap_for_task_id, project_progress, recompute_overlap
from webapp.queue.reservations import end_reservation, sweep_expired_reservations

__all__ = [
    "end_reservation",
    "next_task",
    "overlap_for_task_id",
    "project_progress",
    "recompute_overlap",
    "refresh_task_state",
    "sweep_expired_reservations",
]
