"""book: books (书目) as materials of kind book; a chapter names its book and its place in it

Revision ID: book_q8w3n5
Revises: site_m2q7v4
Create Date: 2026-12-05 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'book_q8w3n5'
down_revision = 'site_m2q7v4'
branch_labels = None
depends_on = None


def upgrade():
    # The kind is stored as text (no database enum): 'book' needs no change of the column.
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('book_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_materials_book_id'), ['book_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_materials_book_id_materials'), 'materials', ['book_id'], ['id'])


def downgrade():
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_materials_book_id_materials'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_materials_book_id'))
        batch_op.drop_column('position')
        batch_op.drop_column('book_id')
