"""Append-only audit log, chained by a keyed hash, with signed checkpoints. Services call
`record()` in the transaction of the change; views call `record_read()` when they show a
confidential record. Every domain writes here, so this package imports none of them: the pages
that read the log (scoped by permissions, naming people and branches) are learnapp.auditlog."""

from __future__ import annotations

from learnapp.audit.chain import verify_chain, write_checkpoint
from learnapp.audit.services import record, record_read

__all__ = ["record", "record_read", "verify_chain", "write_checkpoint"]


def init_app(app) -> None:
    """`flask audit`: verify the chain, write a checkpoint."""
    from learnapp.audit import cli

    app.cli.add_command(cli.audit_cli)
