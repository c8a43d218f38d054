"""site: the committee's site-wide settings (the site language)

Revision ID: site_m2q7v4
Revises: notice_k3m8r1
Create Date: 2026-12-05 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'site_m2q7v4'
down_revision = 'notice_k3m8r1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_site_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_settings'))
    )


def downgrade():
    op.drop_table('site_settings')
