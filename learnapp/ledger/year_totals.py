"""SQL that keeps `ledger_year_totals` (one row per person and year) equal to the sums of the entries.

Database triggers maintain the table rather than service code: every insert path (grant(), the demo
loader, the benchmark's bulk loader, raw SQL maintenance) is covered, in the inserting transaction,
the way the dedupe key makes "granted once" a database guarantee. The ORM refuses updates and
deletes of entries; the UPDATE and DELETE triggers keep the totals right when SQL does them anyway.

The statements are built from a list of online category values so that the models (which pass
ONLINE_CATEGORIES) and a migration (which freezes the list it was written with) share one text.
Nothing here imports the models: `models.py` attaches the DDL to its table.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import DDL, Table, event

TABLE = "ledger_year_totals"
# PostgreSQL: one row trigger calling one plpgsql function; SQLite: one trigger per operation.
PG_FUNCTION = "ledger_year_totals_apply"
PG_TRIGGER = "ledger_year_totals_maintain"
SQLITE_TRIGGERS = ("ledger_year_totals_insert", "ledger_year_totals_update", "ledger_year_totals_delete")
# An UPDATE of any other column (none happens today) cannot change a total.
_COUNTED_COLUMNS = "user_id, year, category, credit_hundredths"
_COLUMNS = "user_id, year, total_hundredths, online_hundredths, offline_hundredths, entries"


def _in_list(online: Iterable[str]) -> str:
    values = sorted(set(online))
    if not values or any("'" in v for v in values):
        raise ValueError(f"unusable online categories: {values!r}")
    return ", ".join(f"'{v}'" for v in values)


def _split(row: str, online: Iterable[str]) -> tuple[str, str]:
    """SQL for the online and the offline part of a row's credit (offline: everything not online,
    like ledger.queries' sums: activities, claims, carry-over and adjustments)."""
    cats = _in_list(online)
    return (f"CASE WHEN {row}.category IN ({cats}) THEN {row}.credit_hundredths ELSE 0 END",
            f"CASE WHEN {row}.category IN ({cats}) THEN 0 ELSE {row}.credit_hundredths END")


def _add(online: Iterable[str], target: str) -> str:
    """Upsert adding NEW to its person's year. `target` qualifies the old values in DO UPDATE
    (PostgreSQL needs the table name there, SQLite takes the bare column)."""
    on, off = _split("NEW", online)
    return (f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (NEW.user_id, NEW.year, NEW.credit_hundredths, {on}, {off}, 1) "
            f"ON CONFLICT (user_id, year) DO UPDATE SET "
            f"total_hundredths = {target}total_hundredths + excluded.total_hundredths, "
            f"online_hundredths = {target}online_hundredths + excluded.online_hundredths, "
            f"offline_hundredths = {target}offline_hundredths + excluded.offline_hundredths, "
            f"entries = {target}entries + 1;")


def _subtract(online: Iterable[str]) -> str:
    """Take OLD out of its person's year; a year left without entries loses its row, as if the
    entries had never been there (a missing row means nothing to subtract from: verify reports it)."""
    on, off = _split("OLD", online)
    where = "WHERE user_id = OLD.user_id AND year = OLD.year"
    return (f"UPDATE {TABLE} SET total_hundredths = total_hundredths - OLD.credit_hundredths, "
            f"online_hundredths = online_hundredths - {on}, offline_hundredths = offline_hundredths - {off}, "
            f"entries = entries - 1 {where}; "
            f"DELETE FROM {TABLE} {where} AND entries <= 0;")


def create_statements(dialect: str, online: Iterable[str]) -> list[str]:
    """The triggers (and on PostgreSQL their function) for the given online category values."""
    online = list(online)
    if dialect == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_subtract(online)} END IF;\n"
            f"  IF TG_OP IN ('INSERT', 'UPDATE') THEN {_add(online, TABLE + '.')} END IF;\n"
            "  RETURN NULL;\n"
            "END $$",
            f"CREATE TRIGGER {PG_TRIGGER} AFTER INSERT OR DELETE OR UPDATE OF {_COUNTED_COLUMNS} "
            f"ON ledger_entries FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
        ]
    if dialect == "sqlite":
        insert, update, delete = SQLITE_TRIGGERS
        return [
            f"CREATE TRIGGER {insert} AFTER INSERT ON ledger_entries BEGIN {_add(online, '')} END",
            f"CREATE TRIGGER {update} AFTER UPDATE OF {_COUNTED_COLUMNS} ON ledger_entries "
            f"BEGIN {_subtract(online)} {_add(online, '')} END",
            f"CREATE TRIGGER {delete} AFTER DELETE ON ledger_entries BEGIN {_subtract(online)} END",
        ]
    # learnapp runs on SQLite and PostgreSQL only; on any other database the totals could not be
    # kept, so creating the schema stops here instead of leaving reports silently wrong.
    raise NotImplementedError(f"ledger_year_totals triggers for {dialect}")


def drop_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON ledger_entries", f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def rebuild_statements(online: Iterable[str], year: int | None = None) -> list[str]:
    """Replace the stored totals (of one year, or all) by the sums over the entries: one
    INSERT … SELECT … GROUP BY. Run them in one transaction, with the triggers in place."""
    on, off = _split("e", online)
    only = "" if year is None else f" WHERE year = {int(year)}"
    return [
        f"DELETE FROM {TABLE}{only}",
        f"INSERT INTO {TABLE} ({_COLUMNS}) "
        f"SELECT e.user_id, e.year, SUM(e.credit_hundredths), SUM({on}), SUM({off}), COUNT(*) "
        f"FROM ledger_entries e{only.replace('year', 'e.year')} GROUP BY e.user_id, e.year",
    ]


def attach(entries: Table, online: Iterable[str]) -> None:
    """Create the triggers whenever `db.create_all()` creates the entries table (tests, the
    benchmark); drop the PostgreSQL function with it (SQLite drops triggers with their table)."""
    online = list(online)
    for dialect in ("sqlite", "postgresql"):
        for statement in create_statements(dialect, online):
            event.listen(entries, "after_create", DDL(statement.replace("%", "%%")).execute_if(dialect=dialect))
    for statement in drop_statements("postgresql")[1:]:
        event.listen(entries, "after_drop", DDL(statement).execute_if(dialect="postgresql"))
