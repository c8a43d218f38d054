"""contact_work_gaps: the stored thought reports not handed in and quarterly assessments not
written, per person and quarter, and their state

Revision ID: gaps_h17a
Revises: find_r8w2k5
Create Date: 2026-12-05 14:45:00

Created empty and without a state row: until `flask development check --rebuild` fills it (the
upgrade instructions run it after `db upgrade`), the compliance report reads the records as before
this revision.
"""
from alembic import op
import sqlalchemy as sa

import learnapp.db  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'gaps_h17a'
down_revision = 'find_r8w2k5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_work_gaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['users.id'], name=op.f('fk_contact_work_gaps_contact_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contact_work_gaps_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_work_gaps'))
    )
    op.create_index('ix_contact_work_gaps_quarter', 'contact_work_gaps', ['year', 'quarter'], unique=False)
    op.create_index('ix_contact_work_gaps_user_id', 'contact_work_gaps', ['user_id'], unique=False)
    op.create_table('contact_work_gaps_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('through_year', sa.Integer(), nullable=False),
    sa.Column('through_quarter', sa.Integer(), nullable=False),
    sa.Column('built_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_work_gaps_state'))
    )


def downgrade():
    op.drop_table('contact_work_gaps_state')
    op.drop_index('ix_contact_work_gaps_user_id', table_name='contact_work_gaps')
    op.drop_index('ix_contact_work_gaps_quarter', table_name='contact_work_gaps')
    op.drop_table('contact_work_gaps')
