"""Rules kept as versioned YAML texts: the credit rules (ledger), the development rules and the
scoring schemes (yearend).

Each domain keeps its own parser (learnapp.rules_yaml: line-numbered problems, RulesError) and its
own model, with the columns `version`, `source_text`, `source_name`, `sha256`, `note`,
`created_by_id`, `created_at` (and `year` for rules of a year). What they share is here:
- `save_version`: parse, then save as a new version (the text in force again: nothing), audited;
- `load_files`: the `flask … load` commands (every file checked first, all or nothing);
- `shown_version` and `save_version_form`: the pages of the versions and the edit form;
- `VersionStamp`: which version is in force, read with the signed-in person, parsed once per process.
Every version is kept; the latest of its year (or of all) is in force.
"""

from __future__ import annotations

import difflib
import hashlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import abort, current_app, flash, redirect
from flask_babel import gettext as _
from sqlalchemy import String, bindparam, cast, func, select

from learnapp import audit, clock, request_memo
from learnapp.db import db
from learnapp.errors import FAILED, DomainError, save_form
from learnapp.org import queries as org_queries
from learnapp.rules_yaml import RulesError
from learnapp.security import is_committee_admin, is_system


@dataclass(frozen=True)
class RulesKind:
    """One kind of versioned rules."""
    model: type                  # the versions' model
    audit_action: str            # e.g. "rules.save"
    refused: Callable[[], str]   # the message to someone who is not a committee admin
    by_year: bool = True         # versions counted per `year` (the parsed rules' year)
    audit_facts: Callable[[str | None], dict] | None = None  # more to audit of a text (None: no version)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _scope(kind: RulesKind, year: int | None) -> list:
    return [kind.model.year == year] if kind.by_year else []


def versions(kind: RulesKind, year: int | None = None) -> list:
    """Every version (of `year` for rules of a year), the latest first."""
    return list(db.session.scalars(select(kind.model).where(*_scope(kind, year)).order_by(kind.model.version.desc())))


def latest(kind: RulesKind, year: int | None = None):
    """The version in force (of `year` for rules of a year); None when none was saved."""
    return db.session.scalar(select(kind.model).where(*_scope(kind, year)).order_by(kind.model.version.desc()).limit(1))


def save_version(kind: RulesKind, actor, source_text: str, parse: Callable[[str], Any], *, source_name: str,
                 note: str | None = None):
    """Parse `source_text` (`parse` raises RulesError) and store it as a new version; None when the
    text equals the version in force. Raises DomainError (field "source_text") naming the line of
    each problem. `actor` SYSTEM: the site itself (CLI); otherwise a committee admin."""
    if not is_system(actor) and not is_committee_admin(actor):
        raise DomainError(kind.refused())
    source_text = source_text.replace("\r\n", "\n")
    try:
        parsed = parse(source_text)
    except RulesError as exc:
        raise DomainError([("source_text", str(p)) for p in exc.problems]) from None
    year = parsed.year if kind.by_year else None
    digest = text_digest(source_text)
    current = latest(kind, year)
    if current is not None and current.sha256 == digest:
        return None
    version = (db.session.scalar(select(func.max(kind.model.version)).where(*_scope(kind, year))) or 0) + 1
    saved = kind.model(**({"year": year} if kind.by_year else {}), version=version, source_text=source_text,
                       source_name=source_name, sha256=digest, note=(note or None),
                       created_by_id=getattr(actor, "id", None), created_at=clock.now())
    db.session.add(saved)
    db.session.flush()
    facts = kind.audit_facts or (lambda text: {})
    audit.record(actor, kind.audit_action, saved, branch=org_queries.committee(),
                 summary=(f"{year} " if kind.by_year else "") + f"v{version} ({source_name})",
                 before={"version": current.version if current else None, "sha256": current.sha256 if current else None,
                         **facts(current.source_text if current else None)},
                 after={"version": version, "sha256": digest, **facts(source_text), "note": note})
    return saved


# --- the `load` commands ------------------------------------------------------------------------

def content_path(config_key: str, name: str) -> Path:
    """Where a kind's files are: the configured path, else content/<name> beside the package."""
    configured = current_app.config.get(config_key)
    return Path(configured) if configured else Path(current_app.root_path).parent / "content" / name


def expected_year(path: Path) -> int | None:
    """A file named after its year (2026.yaml) must hold the rules of that year."""
    return int(path.stem) if path.stem.isdigit() and len(path.stem) == 4 else None


def files_to_load(files: Iterable[Path], directory: Path, missing: str) -> list[Path]:
    """The files named, else every *.yaml of `directory`; none at all: `missing`, exit 1."""
    paths = list(files) or sorted(directory.glob("*.yaml"))
    if not paths:
        click.echo(missing, err=True)
        sys.exit(1)
    return paths


def load_files(paths: list[Path], check: Callable[[Path, str], Any], save: Callable[[Path, str], Any],
               saved_as: Callable[[Any], str]) -> None:
    """Every file is checked first (`check` raises RulesError): any problem, each printed with its
    file and line, and nothing is loaded. Then each is saved (`save`: the new version or None) and
    all are committed together; a refusal loads nothing. Exit 1 on failure."""
    texts, failed = {}, False
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            check(path, text)
        except RulesError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(f"{path}:{problem.line}: {problem.key or '-'}: {problem.message}", err=True)
            continue
        texts[path] = text
    if failed:
        click.echo(_("Nothing was loaded."), err=True)
        sys.exit(1)
    try:
        for path, text in texts.items():
            saved = save(path, text)
            click.echo(_("%(file)s: loaded as %(what)s", file=path.name, what=saved_as(saved)) if saved
                       else _("%(file)s: unchanged", file=path.name))
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        click.echo(_("Nothing was loaded: %(error)s", error=exc), err=True)
        sys.exit(1)


# --- the pages ----------------------------------------------------------------------------------

def shown_version(versions: list, wanted: int | None) -> tuple[Any, list[str] | None]:
    """The version to show (`wanted`, else the latest; an unknown one is 404) and its difference
    from the version before it, as unified diff lines (None for the first)."""
    shown = versions[0] if versions else None
    if wanted:
        shown = next((v for v in versions if v.version == wanted), None) or abort(404)
    diff = None
    if shown is not None:
        older = next((v for v in versions if v.version < shown.version), None)
        if older is not None:
            diff = list(difflib.unified_diff(older.source_text.splitlines(), shown.source_text.splitlines(),
                                             f"v{older.version}", f"v{shown.version}", lineterm="", n=1))
    return shown, diff


def save_version_form(form, save: Callable[[], Any], *, unchanged: str, saved: Callable[[Any], str], then: str):
    """Run `save` (a new version or None) for a submitted form: refused, None (the form is shown
    again with the reasons); saved or unchanged, a flash and a redirect to `then`."""
    result = save_form(form, save)
    if result is FAILED:
        return None
    if result is None:
        flash(unchanged, "info")
    else:
        flash(saved(result), "success")
    return redirect(then)


Parsed = TypeVar("Parsed")


class VersionStamp:
    """The version in force of a kind of rules as one scalar 'id:version:sha256' (NULL: none saved).

    Domains register `column` as a person fact (accounts.sessions), so the pages (and, for the credit
    rules, the heartbeats) that need the rules spend no statement on asking which version is in
    force; `parsed` reads and parses a version's text only when this process has not yet. The
    statements are built once, of table columns: constructing a select costs several times what
    running it does, and mapped attributes go through the ORM's result handling.
    """

    def __init__(self, model, memo_name: str, *, by_year: bool):
        table = model.__table__
        latest = select(cast(table.c.id, String) + ":" + cast(table.c.version, String) + ":" + table.c.sha256)
        if by_year:
            latest = latest.where(table.c.year == bindparam("rules_year"))
        self._latest = latest.order_by(table.c.version.desc()).limit(1)
        self._text_of = select(table.c.source_text).where(table.c.id == bindparam("rule_set_id"))
        self._by_year = by_year
        self._memo = memo_name
        self._parsed: dict[str, Any] = {}
        request_memo.depends_on(memo_name, model)  # a version saved in the request: read again

    def column(self):
        """The stamp as a scalar subquery (of the year bound as `rules_year`, for rules of a year)."""
        return self._latest.scalar_subquery()

    def keep(self, year: int | None, stamp: str | None) -> None:
        """What `column` read for the request (year None for rules not of a year)."""
        request_memo.remember(self._memo, year, lambda: stamp)

    def latest(self, year: int | None = None) -> str | None:
        """The stamp in force, kept for the request."""
        params = {"rules_year": year} if self._by_year else {}
        return request_memo.remember(self._memo, year, lambda: db.session.execute(self._latest, params).scalar())

    def parsed(self, stamp: str, build: Callable[[str, int], Parsed]) -> Parsed:
        """`build(text, version)` of the stamped version, once per process and version."""
        found = self._parsed.get(stamp)
        if found is None:
            row_id, version, _sha256 = stamp.split(":")
            text = db.session.execute(self._text_of, {"rule_set_id": int(row_id)}).scalar_one()
            found = build(text, int(version))
            if len(self._parsed) > 64:
                self._parsed.clear()
            self._parsed[stamp] = found
        return found
