"""content: the source of materials and questions cited in full (citation); practice quizzes that avoid
the assessment quizzes' questions

Revision ID: cite_k2m9x4
Revises: plan_d4p7q2
Create Date: 2026-12-05 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cite_k2m9x4'
down_revision = 'plan_d4p7q2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citation', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('material_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citation', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citation', sa.String(length=300), nullable=True))
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('avoids_assessment_questions', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_column('avoids_assessment_questions')
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.drop_column('citation')
    with op.batch_alter_table('material_versions', schema=None) as batch_op:
        batch_op.drop_column('citation')
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_column('citation')
