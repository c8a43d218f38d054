"""What earned a ledger line: the title of its material, quiz, activity or claim.

`source_id` is text (a material's, quiz's, activity's or claim's id; free text or a year for the
other kinds). The materials and quizzes packages credit the ledger, so their tables are taken
from the shared metadata by name rather than by importing their models (no import cycle).
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from sqlalchemy import Integer, String, case, cast, null, select

from learnapp.db import db

# source_type → (table, column shown, column that addresses it in a URL)
_SOURCES = {
    "material": ("materials", "title", "slug"),
    "quiz": ("quizzes", "title", "id"),
    "activity": ("activities", "title", "id"),
    "claim": ("claims", "title", "id"),
}


@cache
def _tables() -> dict[str, tuple]:
    tables = db.Model.metadata.tables
    return {kind: (tables[name], title, key) for kind, (name, title, key) in _SOURCES.items()}


def _of(entry, column_name: str):
    """A CASE over the source types: the named column ("title" or "key") of the entry's source,
    looked up by primary key in the entry's own statement (a scalar subquery per type; only a whole
    number is cast, and PostgreSQL evaluates a branch only when its condition holds)."""
    number = entry.source_id.regexp_match("^[0-9]{1,9}$")
    whens = [(entry.source_type.in_(tuple(_SOURCES)) & ~number, null())]
    for kind, (table, title, key) in _tables().items():
        column = table.c[title if column_name == "title" else key]
        value = select(cast(column, String) if column_name == "key" else column).where(
            table.c.id == cast(entry.source_id, Integer)).correlate(entry).scalar_subquery()
        whens.append((entry.source_type == kind, value))
    return case(*whens)


def title_column(entry):
    return _of(entry, "title")


def key_column(entry):
    """What the source's page is addressed by (a material's slug, otherwise its id), as text."""
    return _of(entry, "key")


def titles(pairs) -> dict[tuple[str, str], tuple[str, str]]:
    """(source_type, source_id) → (title, key) for many lines at once: one statement per source
    type present, whatever the number of lines."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for kind, source_id in pairs:
        if kind in _SOURCES and (source_id or "").isdigit() and len(source_id) < 10:
            wanted[kind].add(int(source_id))
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, ids in wanted.items():
        table, title, key = _tables()[kind]
        for row in db.session.execute(select(table.c.id, table.c[title], table.c[key]).where(table.c.id.in_(ids))):
            found[(kind, str(row[0]))] = (row[1], str(row[2]))
    return found


def titles_of_entries(entry_ids) -> dict[int, str]:
    """Entry id → the title of what earned it, for lines kept elsewhere by id (a certificate's
    snapshot): one statement for the entries, then `titles`."""
    ids = [int(i) for i in entry_ids if i is not None]
    if not ids:
        return {}
    entries = db.Model.metadata.tables["ledger_entries"]
    rows = db.session.execute(select(entries.c.id, entries.c.source_type, entries.c.source_id)
                              .where(entries.c.id.in_(ids))).all()
    found = titles((r.source_type, r.source_id) for r in rows)
    return {r.id: found[(r.source_type, r.source_id)][0] for r in rows if (r.source_type, r.source_id) in found}
