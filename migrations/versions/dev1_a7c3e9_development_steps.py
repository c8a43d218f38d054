"""development procedure: development_steps (each person's dated steps), their attachments, and
development_rule_sets (versions of the rules); the stage history in stage_changes becomes the steps
it implies

Revision ID: dev1_a7c3e9
Revises: 9ad6d85ac934
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db


# revision identifiers, used by Alembic.
revision = 'dev1_a7c3e9'
down_revision = '9ad6d85ac934'
branch_labels = None
depends_on = None

# Frozen here on purpose (the app's mapping may change later; this revision must not): the steps a
# stage_changes row implies. A probationary member's row also stands for the branch meeting of the
# same date, from which the probation counts.
STEPS_FOR_STAGE = {
    'applicant': ('application',),
    'activist': ('activist_determined',),
    'development_target': ('target_determined',),
    'probationary_member': ('branch_meeting_admission', 'committee_approval_admission'),
    'full_member': ('committee_approval_full',),
}
COMMITTEE_DECIDED = {'committee_approval_admission', 'committee_approval_full'}
BATCH = 1000


def _create_tables():
    op.create_table('development_rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_development_rule_sets_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_rule_sets')),
    sa.UniqueConstraint('version', name=op.f('uq_development_rule_sets_version'))
    )
    op.create_table('development_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('recorded', 'submitted', 'accepted', 'returned', name='stepstatus', native_enum=False, length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('exception_reason', sa.Text(), nullable=True),
    sa.Column('exception_unmet', sa.JSON(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('rules_version', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_development_steps_decided_by_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_development_steps_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_development_steps_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_steps'))
    )
    with op.batch_alter_table('development_steps', schema=None) as batch_op:
        batch_op.create_index('ix_development_steps_status', ['status'], unique=False)
        batch_op.create_index('ix_development_steps_user_code', ['user_id', 'code'], unique=False)

    op.create_table('development_step_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['step_id'], ['development_steps.id'], name=op.f('fk_development_step_attachments_step_id_development_steps')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_step_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_development_step_attachments_stored_name'))
    )
    with op.batch_alter_table('development_step_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_step_attachments_step_id'), ['step_id'], unique=False)


def _migrate_stage_history(conn):
    """Every stage_changes row becomes the steps it implies (source 'migration', its id kept in
    data); people without any row get the step of their stage field, dated their creation. Written
    through SQLAlchemy Core so the JSON and dates are bound the same way on SQLite and PostgreSQL."""
    stage_changes = sa.table('stage_changes', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
                             sa.column('stage', sa.String), sa.column('effective_on', sa.Date),
                             sa.column('note', sa.Text), sa.column('recorded_by_id', sa.Integer),
                             sa.column('recorded_at', learnapp.db.UTCDateTime(timezone=True)))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('stage', sa.String),
                     sa.column('created_at', learnapp.db.UTCDateTime(timezone=True)))
    steps = sa.table('development_steps', sa.column('user_id', sa.Integer), sa.column('code', sa.String),
                     sa.column('done_on', sa.Date), sa.column('note', sa.Text), sa.column('data', sa.JSON),
                     sa.column('status', sa.String), sa.column('source', sa.String),
                     sa.column('recorded_by_id', sa.Integer), sa.column('recorded_at', learnapp.db.UTCDateTime(timezone=True)),
                     sa.column('decided_by_id', sa.Integer), sa.column('decided_at', learnapp.db.UTCDateTime(timezone=True)))

    def row(user_id, code, done_on, note, data, by, at):
        decided = code in COMMITTEE_DECIDED
        return {'user_id': user_id, 'code': code, 'done_on': done_on, 'note': note, 'data': data,
                'status': 'accepted' if decided else 'recorded', 'source': 'migration', 'recorded_by_id': by,
                'recorded_at': at, 'decided_by_id': by if decided else None, 'decided_at': at if decided else None}

    pending = []

    def flush(force=False):
        if pending and (force or len(pending) >= BATCH):
            conn.execute(steps.insert(), pending)
            pending.clear()

    with_history = set()
    query = sa.select(stage_changes).order_by(stage_changes.c.id)
    for change in conn.execute(query).mappings().all():
        with_history.add(change['user_id'])
        for code in STEPS_FOR_STAGE[change['stage']]:
            pending.append(row(change['user_id'], code, change['effective_on'], change['note'],
                               {'stage_change_id': change['id']}, change['recorded_by_id'], change['recorded_at']))
        flush()
    for person in conn.execute(sa.select(users).order_by(users.c.id)).mappings().all():
        if person['id'] in with_history:
            continue
        for code in STEPS_FOR_STAGE[person['stage']]:
            pending.append(row(person['id'], code, person['created_at'].date(), None, {'from_stage_field': True},
                               None, person['created_at']))
        flush()
    flush(force=True)


def upgrade():
    _create_tables()
    _migrate_stage_history(op.get_bind())


def downgrade():
    # stage_changes was never changed: dropping the new tables returns to the old state, nothing lost.
    with op.batch_alter_table('development_step_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_step_attachments_step_id'))
    op.drop_table('development_step_attachments')
    with op.batch_alter_table('development_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_development_steps_user_code')
        batch_op.drop_index('ix_development_steps_status')
    op.drop_table('development_steps')
    op.drop_table('development_rule_sets')
