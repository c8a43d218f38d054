"""Keyed audit chain (scheme per entry, signed checkpoints); check-in throttling (failures per
person, a counter and lock per activity).

Entries already in the log keep their plain SHA-256 hashes (scheme "sha256"); the first entry
written after this upgrade closes them with a keyed "audit.chain_keyed" entry (audit/services.py).

Revision ID: s3_c4e7a1
Revises: s2_7e41c2
Create Date: 2026-06-15 10:00:00
"""
from alembic import op
import sqlalchemy as sa

import learnapp.db  # custom column types (UTCDateTime)


revision = "s3_c4e7a1"
down_revision = 's2_7e41c2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheme", sa.String(length=10), nullable=False, server_default="sha256"))
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", learnapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("unkeyed_entries", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("checkin_locked_at", learnapp.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "checkin_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", learnapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_checkin_failures_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_failures")),
    )
    with op.batch_alter_table("checkin_failures", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_failures_user_id_at", ["user_id", "at"], unique=False)


def downgrade():
    with op.batch_alter_table("checkin_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_failures_user_id_at")
    op.drop_table("checkin_failures")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("checkin_locked_at")
        batch_op.drop_column("checkin_failures")
    op.drop_table("audit_checkpoints")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("scheme")
