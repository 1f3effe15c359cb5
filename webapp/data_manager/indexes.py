"""Indexes the Data Manager's ordering and filters walk, one per sortable counter:
ORDER BY <column>, id LIMIT n then reads n+1 index entries, never sorts the project.

Declared against the Task table here (the models stay the schema's owner through the
migration that creates them); create_all and Alembic's autogenerate both see them.
"""
from sqlalchemy import Index

from webapp.models import Task

_t = Task.__table__

DATA_MANAGER_INDEXES = (
    Index("ix_task_dm_id", _t.c.project_id, _t.c.id),
    Index("ix_task_dm_annotations", _t.c.project_id, _t.c.total_annotations, _t.c.id),
    Index("ix_task_dm_skipped", _t.c.project_id, _t.c.cancelled_annotations, _t.c.id),
    Index("ix_task_dm_predictions", _t.c.project_id, _t.c.total_predictions, _t.c.id),
    Index("ix_task_dm_agreement", _t.c.project_id, _t.c.agreement, _t.c.id),
    Index("ix_task_dm_ground_truth", _t.c.project_id, _t.c.has_ground_truth, _t.c.id),
    Index("ix_task_dm_needs_attention", _t.c.project_id, _t.c.needs_attention, _t.c.id),
    Index("ix_task_dm_reviewed", _t.c.project_id, _t.c.is_reviewed, _t.c.id),
    Index("ix_task_dm_updated", _t.c.project_id, _t.c.updated_at, _t.c.id),
)
