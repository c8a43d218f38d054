"""media: watched video and audio (duration, resume position; files over 2 GB)

Revision ID: media_v7k3p9
Revises: book_q8w3n5
Create Date: 2026-12-05 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'media_v7k3p9'
down_revision = 'book_q8w3n5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('materials') as batch_op:
        batch_op.add_column(sa.Column('media_seconds', sa.Integer(), nullable=True))
    with op.batch_alter_table('material_attachments') as batch_op:
        batch_op.add_column(sa.Column('duration_seconds', sa.Integer(), nullable=True))
        batch_op.alter_column('size_bytes', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)
    with op.batch_alter_table('reading_sessions') as batch_op:
        batch_op.add_column(sa.Column('position_ms', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('reading_sessions') as batch_op:
        batch_op.drop_column('position_ms')
    with op.batch_alter_table('material_attachments') as batch_op:
        batch_op.alter_column('size_bytes', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
        batch_op.drop_column('duration_seconds')
    with op.batch_alter_table('materials') as batch_op:
        batch_op.drop_column('media_seconds')
