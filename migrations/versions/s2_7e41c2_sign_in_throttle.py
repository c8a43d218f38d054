"""sign-in security: shared throttle counters (throttle_counters) and the expiry of temporary
passwords (users.password_expires_at)

Revision ID: s2_7e41c2
Revises: dev2_c7w1a9
Create Date: 2026-12-01 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 's2_7e41c2'
down_revision = 'dev2_c7w1a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('throttle_counters',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('window_ends_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle_counters'))
    )
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_counters_window_ends_at'), ['window_ends_at'], unique=False)

    # Plain ALTER TABLE on both databases: a batch copy of `users` would trip the foreign keys
    # of every table that refers to it on SQLite.
    op.add_column('users', sa.Column('password_expires_at', learnapp.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column('users', 'password_expires_at')  # SQLite 3.35+ drops a column in place

    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_counters_window_ends_at'))

    op.drop_table('throttle_counters')
