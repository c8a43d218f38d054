"""Covering indexes for the committee's reports: the people of a subtree by branch, active and stage;
a year's counted quiz results; a year's development steps of some kinds

Revision ID: scope_i17b
Revises: gaps_h17a
Create Date: 2026-12-05 18:40:00

Each replaces a narrower index that the reports used and then read every matching row of the table
(the users' branch index, the participants' year index) or that the planner did not choose (the
steps' status index stays for the approval queues).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'scope_i17b'
down_revision = 'gaps_h17a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_users_branch_active_stage', 'users', ['branch_id', 'active', 'stage'], unique=False)
    op.drop_index('ix_users_branch_id', table_name='users')
    op.create_index('ix_quiz_participants_year_user', 'quiz_participants',
                    ['year', 'user_id', 'quiz_id', 'counted_bp', 'passed'], unique=False)
    op.drop_index('ix_quiz_participants_year', table_name='quiz_participants')
    op.create_index('ix_development_steps_code_done', 'development_steps', ['code', 'done_on', 'status', 'user_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_development_steps_code_done', table_name='development_steps')
    op.create_index('ix_quiz_participants_year', 'quiz_participants', ['year'], unique=False)
    op.drop_index('ix_quiz_participants_year_user', table_name='quiz_participants')
    op.create_index('ix_users_branch_id', 'users', ['branch_id'], unique=False)
    op.drop_index('ix_users_branch_active_stage', table_name='users')
