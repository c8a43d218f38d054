"""Rules kept as versioned YAML texts: the credit rules (ledger), the development rules and the
scoring schemes (yearend).

Each domain keeps its own parser (learnapp.rules_yaml: line-numbered problems, RulesError) and its
own model, with the columns `version`, `source_text`, `source_name`, `sha256`, `note`,
`created_by_id`, `created_at` (and `year` for rules of a year). What they share is here:
- `save_version`: parse, then save as a new version (the text in force again: nothing), audited;
- `load_files`: the `flask … load` commands (every file checked first, all or nothing);
- `shown_version` and `save_version_form`: the pages of the versions and the edit form.
Every version is kept; the latest of its year (or of all) is in force.
"""

from __future__ import annotations

import difflib
import hashlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask import abort, current_app, flash, redirect
from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp import audit, clock
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
