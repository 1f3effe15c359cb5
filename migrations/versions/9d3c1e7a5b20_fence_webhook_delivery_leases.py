"""Fence webhook delivery leases and time outages instead of counting failures

Revision ID: 9d3c1e7a5b20
Revises: ac9230a19edc
Create Date: 2026-12-02 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d3c1e7a5b20'
down_revision = 'ac9230a19edc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('failing_since', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('webhook', schema=None) as batch_op:
        batch_op.drop_column('failing_since')
        batch_op.drop_column('lease_owner')
