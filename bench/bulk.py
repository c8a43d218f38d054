"""Bulk loading: COPY on PostgreSQL, executemany on SQLite, with ids assigned by the generator.

The generator hands over plain tuples (ints, strs, dates, aware UTC datetimes, bools, JSON text);
this module adapts them to each backend once per column, so 2,000,000 rows load in seconds
instead of going through the ORM one object at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, Table, text
from sqlalchemy.engine import Engine

from learnapp.db import UTCDateTime

CHUNK = 20_000


def _sqlite_converter(column) -> Any:
    """A function turning a generator value into what SQLAlchemy would have stored on SQLite."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        # SQLAlchemy's SQLite DateTime storage format, naive UTC (see learnapp.db.UTCDateTime).
        return lambda v: None if v is None else v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(kind, Date):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else int(v)
    return None


def _defaults_for(table: Table, given: list[str]) -> tuple[list[str], list[Any]]:
    """Columns the generator did not fill: their Python-side default, or None where nullable.

    Domains add columns while the benchmark is maintained; a new column with a default or a
    nullable one needs no change here, a new required column without default fails loudly.
    """
    names, values = [], []
    for column in table.columns:
        if column.name in given:
            continue
        default = column.default
        if default is not None and default.is_scalar:
            names.append(column.name)
            values.append(default.arg)
        elif default is not None and default.is_callable:
            names.append(column.name)
            values.append(default.arg(None))
        elif column.nullable or column.server_default is not None:
            continue
        elif column.primary_key and isinstance(column.type, Integer):
            continue
        else:
            raise RuntimeError(f"bench generator does not fill required column {table.name}.{column.name}")
    return names, values


def _json_value(column, value):
    if isinstance(column.type, JSON) and value is not None and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


class BulkLoader:
    """Writes rows into tables of `metadata` through one raw DBAPI connection."""

    def __init__(self, engine: Engine, metadata):
        self.engine = engine
        self.metadata = metadata
        self.dialect = engine.dialect.name
        self.counts: dict[str, int] = {}

    def insert(self, table_name: str, columns: list[str], rows: Iterable[tuple]) -> int:
        """Insert every row (tuples in `columns` order); returns how many were written."""
        table = self.metadata.tables[table_name]
        unknown = [c for c in columns if c not in table.c]
        if unknown:
            # A column the domain has since dropped: leave it out rather than fail the whole run.
            keep = [i for i, c in enumerate(columns) if c in table.c]
            columns = [columns[i] for i in keep]
            rows = (tuple(row[i] for i in keep) for row in rows)
        extra_names, extra_values = _defaults_for(table, columns)
        all_columns = columns + extra_names
        cols = [table.c[name] for name in all_columns]
        json_cols = [i for i, c in enumerate(cols) if isinstance(c.type, JSON)]

        def full_rows() -> Iterator[tuple]:
            for row in rows:
                values = list(row) + extra_values
                for i in json_cols:
                    values[i] = _json_value(cols[i], values[i])
                yield tuple(values)

        if self.dialect == "postgresql":
            written = self._copy(table_name, all_columns, full_rows())
        else:
            written = self._executemany(table_name, cols, full_rows())
        self.counts[table_name] = self.counts.get(table_name, 0) + written
        return written

    def _copy(self, table_name: str, columns: list[str], rows: Iterator[tuple]) -> int:
        raw = self.engine.raw_connection()
        written = 0
        try:
            with raw.cursor() as cur:
                quoted = ", ".join(f'"{c}"' for c in columns)
                with cur.copy(f'COPY "{table_name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
            raw.commit()
        finally:
            raw.close()
        return written

    def _executemany(self, table_name: str, cols, rows: Iterator[tuple]) -> int:
        converters = [_sqlite_converter(c) for c in cols]
        active = [(i, f) for i, f in enumerate(converters) if f is not None]
        quoted = ", ".join(f'"{c.name}"' for c in cols)
        marks = ", ".join("?" for _ in cols)
        sql = f'INSERT INTO "{table_name}" ({quoted}) VALUES ({marks})'
        raw = self.engine.raw_connection()
        written = 0
        try:
            cur = raw.cursor()
            cur.execute("BEGIN")
            while True:
                chunk = list(islice(rows, CHUNK))
                if not chunk:
                    break
                if active:
                    fixed = []
                    for row in chunk:
                        values = list(row)
                        for i, f in active:
                            values[i] = f(values[i])
                        fixed.append(values)
                    chunk = fixed
                cur.executemany(sql, chunk)
                written += len(chunk)
            cur.execute("COMMIT")
            cur.close()
        finally:
            raw.close()
        return written

    def reset_sequences(self) -> None:
        """PostgreSQL: move every id sequence past the ids the generator assigned."""
        if self.dialect != "postgresql":
            return
        with self.engine.begin() as conn:
            for table in self.metadata.sorted_tables:
                pk = list(table.primary_key.columns)
                if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
                    continue
                seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                   {"t": f'"{table.name}"', "c": pk[0].name}).scalar()
                if seq:
                    conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'),
                                 {"s": seq})


def as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value
