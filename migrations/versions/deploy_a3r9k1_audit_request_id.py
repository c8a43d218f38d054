"""audit entries keep the id of the web request that wrote them (deploy)

Revision ID: deploy_a3r9k1
Revises: ye_s5k2m8
Create Date: 2026-12-05 07:30:00

Adds a nullable column and its index: no table is rewritten (PostgreSQL adds a nullable column
without touching the rows; SQLite's batch mode copies audit_entries once, which at bench size,
≈ 100,000 entries, takes about a second).
"""
from alembic import op
import sqlalchemy as sa


revision = 'deploy_a3r9k1'
down_revision = 'ye_s5k2m8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_request_id'))
        batch_op.drop_column('request_id')
