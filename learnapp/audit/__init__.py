"""Append-only audit log, chained by a keyed hash, with signed checkpoints. Services call
`record()` in the transaction of the change; views call `record_read()` when they show a
confidential record."""

from learnapp.audit.chain import verify_chain, write_checkpoint
from learnapp.audit.services import record, record_read

__all__ = ["record", "record_read", "verify_chain", "write_checkpoint"]
