"""The database layer: `db`, the declarative base and shared types (base.py), SQLite specifics
(sqlite.py), row helpers (rows.py) and the request's transaction (requests.py)."""

from learnapp.db.base import (
    NAMING_CONVENTION,
    Base,
    CreatedAtMixin,
    UTCDateTime,
    db,
    is_postgres,
    utcnow,
)
from learnapp.db.requests import (
    autocommit_until_needed,
    init_request_hooks,
    open_reading_first,
    reading_first,
    reads_before_write_lock,
    separate_write_session,
    transaction_needed,
    write_after_reads,
    writes_on_get,
)
from learnapp.db.rows import attach_loaded, attach_row, attribute_keys, loaded_rows
from learnapp.db.sqlite import BUSY_TIMEOUT_MS, holds_write_lock

__all__ = [
    "BUSY_TIMEOUT_MS", "NAMING_CONVENTION", "Base", "CreatedAtMixin", "UTCDateTime", "attach_loaded", "attach_row",
    "attribute_keys", "autocommit_until_needed", "db", "holds_write_lock", "init_request_hooks", "is_postgres",
    "loaded_rows", "open_reading_first", "reading_first", "reads_before_write_lock", "separate_write_session",
    "transaction_needed", "utcnow", "write_after_reads", "writes_on_get",
]
