"""planning: annual development plans per branch, versioned (plan)

Revision ID: plan_d4p7q2
Revises: dev3_b7e2a9
Create Date: 2026-12-05 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'plan_d4p7q2'
down_revision = 'dev3_b7e2a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('development_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', name='planstatus', native_enum=False, length=16), nullable=False),
    sa.Column('planned', sa.Integer(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_development_plans_branch_id_branches')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_development_plans_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_development_plans_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_plans')),
    sa.UniqueConstraint('branch_id', 'year', 'version', name=op.f('uq_development_plans_branch_id_year_version'))
    )
    with op.batch_alter_table('development_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_plans_branch_id'), ['branch_id'], unique=False)


def downgrade():
    with op.batch_alter_table('development_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_plans_branch_id'))
    op.drop_table('development_plans')
