"""Table rows as JSON text and back: how the upgrade fixture is written and read.

Values keep their type through tags: {"$dt": ISO} for a datetime, {"$d": ...} a date, {"$t": ...} a
time, {"$b64": ...} bytes, {"$dec": "..."} a Decimal; JSON columns stay JSON. Plain text, so a
reviewer can read (and diff) what the fixture holds.
"""

from __future__ import annotations

import base64
import warnings
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, MetaData, Table, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SAWarning


def to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, time):
        return {"$t": value.isoformat()}
    if isinstance(value, (bytes, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    return value


def from_json(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, raw), = value.items()
        if tag == "$dt":
            return datetime.fromisoformat(raw)
        if tag == "$d":
            return date.fromisoformat(raw)
        if tag == "$t":
            return time.fromisoformat(raw)
        if tag == "$b64":
            return base64.b64decode(raw)
        if tag == "$dec":
            return Decimal(raw)
    return value


def _key_columns(table: Table) -> list:
    return list(table.primary_key.columns) or list(table.columns)


def read_table(connection: Connection, table: Table) -> list[dict]:
    """Every row of the table, JSON-ready, in primary-key order."""
    rows = connection.execute(select(table).order_by(*_key_columns(table))).mappings()
    result = []
    for row in rows:
        values = {}
        for column in table.columns:
            value = row[column.name]
            # JSON columns hold plain JSON; everything else may need a tag.
            values[column.name] = value if isinstance(column.type, JSON) else to_json(value)
        result.append(values)
    return result


def read_all(connection: Connection, skip: set[str] = frozenset()) -> dict[str, list[dict]]:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    with warnings.catch_warnings():
        # questions ⇄ question_versions refer to each other; the order only matters for loading,
        # which switches the foreign keys off.
        warnings.simplefilter("ignore", SAWarning)
        ordered = metadata.sorted_tables
    return {table.name: read_table(connection, table) for table in ordered if table.name not in skip}


def comparable(rows: list[dict], columns: set[str]) -> list[dict]:
    """The rows restricted to `columns`, with datetimes naive UTC (as stored) for comparison."""
    return [{k: v for k, v in row.items() if k in columns} for row in rows]
