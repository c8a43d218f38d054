"""person register fields: gender, ethnicity, birth date (with precision), education, job
category and department on users, for the register (名册) and the structure report

Revision ID: dev3_b7e2a9
Revises: s3_c4e7a1 (after merging dev1; the lead re-chains)
Create Date: 2026-12-05 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dev3_b7e2a9'
down_revision = 's3_c4e7a1'
branch_labels = None
depends_on = None

COLUMNS = (
    ('gender', sa.String(length=2)),
    ('ethnicity', sa.String(length=16)),
    ('birth_date', sa.Date()),
    ('birth_date_precision', sa.String(length=5)),
    ('education', sa.String(length=20)),
    ('job_category', sa.String(length=20)),
    ('department', sa.String(length=120)),
)


# Plain ADD/DROP COLUMN, not batch mode: on SQLite a batch copy of `users` would drop the table
# that every other table refers to, which the enforced foreign keys refuse once there are rows.
def upgrade():
    for name, type_ in COLUMNS:
        op.add_column('users', sa.Column(name, type_, nullable=True))


def downgrade():
    for name, _type in reversed(COLUMNS):
        op.drop_column('users', name)
