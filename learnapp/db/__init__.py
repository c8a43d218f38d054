"""The database layer: `db`, the declarative base and shared types (base.py), SQLite specifics
(sqlite.py), row helpers (rows.py), the owner of each request's transaction (requests.py) and how
that transaction begins on its connection (connection.py)."""

from learnapp.db.base import (
    NAMING_CONVENTION,
    Base,
    CreatedAtMixin,
    UTCDateTime,
    db,
    is_postgres,
    utcnow,
)
from learnapp.db.connection import (
    open_request_connection,
    reads_before_transaction,
    reads_before_write_lock,
    transaction_from_here,
)
from learnapp.db.requests import (
    Mode,
    TransactionOwningFlask,
    compare_and_set,
    hot_read,
    init_request_hooks,
    read_only,
    separate_write_session,
    undo_changes,
    write_after_reads,
    writes,
)
from learnapp.db.rows import attach_loaded, attach_row, attribute_keys, loaded_rows
from learnapp.db.sqlite import BUSY_TIMEOUT_MS, holds_write_lock

__all__ = [
    "BUSY_TIMEOUT_MS", "NAMING_CONVENTION", "Base", "CreatedAtMixin", "Mode", "TransactionOwningFlask", "UTCDateTime",
    "attach_loaded", "attach_row", "attribute_keys", "compare_and_set", "db", "holds_write_lock",
    "hot_read", "init_request_hooks", "is_postgres", "loaded_rows", "open_request_connection",
    "read_only", "reads_before_transaction", "reads_before_write_lock", "separate_write_session",
    "transaction_from_here", "undo_changes", "utcnow", "write_after_reads", "writes",
]
