"""Add user_login: one row per signed-in browser, so logout and password changes revoke cookies

Revision ID: ac9230a19edc
Revises: 5cb69d7ca02f
Create Date: 2026-12-02 05:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ac9230a19edc'
down_revision = '5cb69d7ca02f'
branch_labels = None
depends_on = None


def upgrade():
    # Existing sessions and remember cookies carry a user id, which no longer loads anyone:
    # everybody logs in once more after this upgrade.
    op.create_table(
        'user_login',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_login_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_login')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_login_token_hash')),
    )
    with op.batch_alter_table('user_login', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_login_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_login', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_login_user_id'))
    op.drop_table('user_login')
