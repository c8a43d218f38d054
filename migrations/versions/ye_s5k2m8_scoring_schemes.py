"""yearend: the branches' scoring schemes per year, versioned

Revision ID: ye_s5k2m8
Revises: cite_k2m9x4
Create Date: 2026-12-05 07:40:00

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'ye_s5k2m8'
down_revision = 'cite_k2m9x4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scoring_schemes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_scoring_schemes_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_schemes')),
    sa.UniqueConstraint('year', 'version', name=op.f('uq_scoring_schemes_year_version'))
    )
    with op.batch_alter_table('scoring_schemes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_schemes_year'), ['year'], unique=False)


def downgrade():
    with op.batch_alter_table('scoring_schemes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_schemes_year'))
    op.drop_table('scoring_schemes')
