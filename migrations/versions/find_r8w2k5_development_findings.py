"""development_findings: the stored findings of the development files, and their state; an index
of development_steps by code, person and date

Revision ID: find_r8w2k5
Revises: media_v7k3p9
Create Date: 2026-12-05 11:00:00

The table is created empty and without a state row: until `flask development check --rebuild`
fills it (the upgrade instructions run it after `db upgrade`), the compliance report and the
year-end figures check every file themselves, as before this revision. The findings come from the
application's check (Python, the rules in force, two languages), which a migration must not run:
a later revision may change the tables that code reads.
"""
from alembic import op
import sqlalchemy as sa

import learnapp.db  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'find_r8w2k5'
down_revision = 'media_v7k3p9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('development_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('step_id', sa.Integer(), nullable=True),
    sa.Column('on', sa.Date(), nullable=True),
    sa.Column('due', sa.Boolean(), nullable=False),
    sa.Column('messages', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_development_findings_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_findings'))
    )
    op.create_index('ix_development_findings_user_id', 'development_findings', ['user_id'], unique=False)
    op.create_table('development_findings_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rules_sha256', sa.String(length=64), nullable=False),
    sa.Column('built_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_findings_state'))
    )
    op.create_index('ix_development_steps_code_user_done', 'development_steps', ['code', 'user_id', 'done_on', 'status'],
                    unique=False)


def downgrade():
    op.drop_index('ix_development_steps_code_user_done', table_name='development_steps')
    op.drop_table('development_findings_state')
    op.drop_index('ix_development_findings_user_id', table_name='development_findings')
    op.drop_table('development_findings')
