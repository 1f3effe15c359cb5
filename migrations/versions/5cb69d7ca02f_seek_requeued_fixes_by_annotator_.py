"""Seek requeued fixes by annotator, project and review state

Revision ID: 5cb69d7ca02f
Revises: 547eadeb4d47
Create Date: 2026-11-28 21:13:06.202140

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5cb69d7ca02f'
down_revision = '547eadeb4d47'
branch_labels = None
depends_on = None


def upgrade():
    # next-task's requeued-fix probe (REV-3) seeks the review state instead of walking
    # every annotation of the annotator in the project. Index-only: no table rebuild.
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_user_project'))
        batch_op.create_index('ix_annotation_user_project', ['completed_by_id', 'project_id', 'review_state'], unique=False)


def downgrade():
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.drop_index('ix_annotation_user_project')
        batch_op.create_index(batch_op.f('ix_annotation_user_project'), ['completed_by_id', 'project_id'], unique=False)
