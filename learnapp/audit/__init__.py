"""Append-only, hash-chained audit log. Services call `record()` in the transaction of the change."""

from learnapp.audit.services import record, verify_chain

__all__ = ["record", "verify_chain"]
