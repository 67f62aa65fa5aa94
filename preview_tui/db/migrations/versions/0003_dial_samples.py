"""Dial samples: a participant's moment-to-moment dial while a clip plays.

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dial_samples',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('step_id', sa.String(length=64), nullable=False),
    sa.Column('play', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('segment', sa.Integer(), nullable=False),
    sa.Column('media_ms', sa.Integer(), nullable=False),
    sa.Column('mono', sa.Float(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'step_id', 'play', 'seq')
    )
    with op.batch_alter_table('dial_samples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dial_samples_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dial_samples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dial_samples_session_id'))

    op.drop_table('dial_samples')
