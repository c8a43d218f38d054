"""notices: in-app notices to a person (站内通知)

Revision ID: notice_k3m8r1
Revises: deploy_a3r9k1
Create Date: 2026-12-05 07:40:00

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'notice_k3m8r1'
down_revision = 'deploy_a3r9k1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('emailed', sa.Boolean(), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_notices_sent_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('user_id', 'dedupe_key', name='uq_notices_user_dedupe')
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notices_user_read', ['user_id', 'read_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_user_read')
        batch_op.drop_index('ix_notices_user_created')
    op.drop_table('notices')
