"""The stored findings of the development files (development_findings), kept current so that the
compliance report and the year-end figures read them instead of checking every file again.

What a person's findings depend on: their steps, their birth date, their training class (ledger
lines, attendance, claims), the people their steps name (an introducer or contact who must be an
active full member, who recorded an exception) and the rules. A session listener (`before_flush`)
notes every person whose findings such a change may alter, whoever writes it (the services, the
history, another domain's service, the demo); `refresh_pending(session)` recomputes them in the
same transaction, called before the commit and by the readers (so a read after a flush sees its
own changes). A new version of the rules marks every file. Time limits are stored with their due
date (`due`): the readers keep them once today is past it, so no finding waits for a nightly job.

The state row (`development_findings_state`) holds the digest of the rules the findings were built
with; without it (a database upgraded from before the table, or rules edited in the shipped file)
`current()` is False and the readers check every file themselves (check.check_all): slower, never
wrong. `flask development check --rebuild` (or `rebuild()`) recomputes every file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from flask import current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import Text, and_, cast, delete, func, literal, or_, select, true
from sqlalchemy.orm import Session, attributes

from learnapp import clock, hooks
from learnapp.accounts.models import Stage, User
from learnapp.db import db
from learnapp.development.check import PERSON_COLUMNS, Finding, PersonRef, check_all, file_findings
from learnapp.development.models import (
    DevelopmentFinding,
    DevelopmentFindingsState,
    DevelopmentRuleSet,
    DevelopmentStep,
)
from learnapp.development.readahead import Files
from learnapp.development.rules import current_rules
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.ledger.offline_models import Activity, Attendance, Claim
from learnapp.person_store import PersonStore
from learnapp.versioned_rules import text_digest

REBUILT = "development.stored_rebuilt"  # hooks: other domains' stored figures rebuilt with the findings
NAMING_CODES = ("introducers_assigned", "contacts_assigned")
PERSON_FIELDS = ("birth_date", "stage", "active", "name")


def _changed(obj, names: Iterable[str]) -> set[str]:
    state = attributes.instance_state(obj)
    return {n for n in names if state.attrs[n].history.has_changes()}


def _named_status(obj, name: str):
    """The value before the pending change."""
    history = attributes.instance_state(obj).attrs[name].history
    return (history.deleted or history.unchanged or [getattr(obj, name)])[0]


def _note(session: Session, pending: dict) -> None:
    """Whose findings the session's pending changes may alter."""
    for key in ("steps", "people", "named", "activities"):
        pending.setdefault(key, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, DevelopmentRuleSet):
            pending["everyone"] = True  # a new version of the rules: every file again
        elif isinstance(obj, DevelopmentStep):
            pending["steps"].add(obj)
            if obj.user_id is not None:
                pending["people"].add(obj.user_id)
        elif isinstance(obj, User) and obj.id is not None and obj not in session.new:
            changed = _changed(obj, PERSON_FIELDS)
            if not changed:
                continue
            pending["people"].add(obj.id)
            was_member = _named_status(obj, "stage") == Stage.full_member and _named_status(obj, "active")
            if "name" in changed or was_member != (obj.stage == Stage.full_member and obj.active):
                pending["named"].add(obj.id)
        elif isinstance(obj, LedgerEntry):
            if obj.category == Category.training_class and obj.user_id is not None:
                pending["people"].add(obj.user_id)
        elif isinstance(obj, Attendance | Claim):
            if obj.user_id is not None:
                pending["people"].add(obj.user_id)
        elif isinstance(obj, Activity) and obj.id is not None and (
                obj.category == Category.training_class or _changed(obj, ("category",))):
            pending["activities"].add(obj.id)


def _naming(ids: set[int]) -> set[int]:
    """The people whose steps name one of `ids` (introducers, contacts) or were recorded or decided by one."""
    if not ids:
        return set()
    t = DevelopmentStep.__table__.c
    found = set(db.session.scalars(select(t.user_id).where(or_(t.recorded_by_id.in_(ids), t.decided_by_id.in_(ids)),
                                                           t.exception_reason.is_not(None))))
    text = cast(t.data, Text)
    for user_id, data in db.session.execute(select(t.user_id, t.data).where(
            t.code.in_(NAMING_CODES), or_(*(text.like(f"%{i}%") for i in sorted(ids))))):
        named = {i for key in ("introducer_ids", "contact_ids") for i in ((data or {}).get(key) or [])
                 if isinstance(i, int)}
        if named & ids:
            found.add(user_id)
    return found


def _attendees(activity_ids: set[int]) -> set[int]:
    if not activity_ids:
        return set()
    return set(db.session.scalars(select(Attendance.user_id).where(Attendance.activity_id.in_(activity_ids))))


def _apply(pending: dict) -> int:
    """Recompute the findings of everyone the noted changes may concern; returns how many people."""
    if pending.get("everyone"):
        return rebuild()
    people = set(pending.get("people", ()))
    people.update(s.user_id for s in pending.get("steps", ()) if s.user_id is not None)
    people |= _naming(pending.get("named", set())) | _attendees(pending.get("activities", set()))
    if people:
        refresh(people)
    return len(people)


FINDINGS = PersonStore("development_findings", note=_note, apply=_apply)
refresh_pending = FINDINGS.refresh_pending


def _languages() -> list[str]:
    return list(current_app.config.get("LANGUAGES") or ["zh_CN"])


def _compute(files: Files) -> list[dict]:
    """The rows of development_findings for the people of `files`, each message in every language."""
    rules_by_language = {}
    rows: dict[tuple, dict] = {}
    for language in _languages():
        with force_locale(language):
            rules = rules_by_language.setdefault(language, current_rules())
            for person in files.people:
                seen: dict[tuple, int] = {}
                for f in file_findings(person, rules, steps=files.steps.get(person.id, []), training=files.training):
                    what = (person.id, f.kind, f.code, f.step_id, f.on, f.due)
                    seen[what] = seen.get(what, 0) + 1
                    row = rows.setdefault((*what, seen[what]), {"user_id": person.id, "kind": f.kind, "code": f.code,
                                                                "step_id": f.step_id, "on": f.on, "due": f.due,
                                                                "messages": {}})
                    row["messages"][language] = f.message
    return list(rows.values())


def refresh(user_ids: Iterable[int]) -> None:
    """Replace the stored findings of these people by their files' findings now."""
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(delete(DevelopmentFinding).where(DevelopmentFinding.user_id.in_(chunk)))
        rows = _compute(Files(User.id.in_(chunk)))
        if rows:
            db.session.execute(DevelopmentFinding.__table__.insert(), rows)


def rebuild() -> int:
    """Every file checked again and stored; the state row names the rules used. Returns the people with a file."""
    session = db.session
    with FINDINGS.busy(session()):
        session.flush()
        session.execute(delete(DevelopmentFinding))
        files = Files()
        rows = _compute(files)
        table = DevelopmentFinding.__table__
        for start in range(0, len(rows), 2000):
            session.execute(table.insert(), rows[start:start + 2000])
        digest = text_digest(current_rules().source_text)
        state = session.get(DevelopmentFindingsState, 1)
        if state is None:
            session.add(DevelopmentFindingsState(id=1, rules_sha256=digest, built_at=clock.now()))
        else:
            state.rules_sha256, state.built_at = digest, clock.now()
        session.flush()
        FINDINGS.forget_pending(session())
        for rebuild_other in hooks.providers(REBUILT):
            rebuild_other()
        return len(files.people)


def register_rebuild(app, rebuild_other) -> None:
    """Have `rebuild()` (and `flask development check --rebuild`) rebuild another domain's stored
    figures too (from that domain's init_app)."""
    hooks.add(app, REBUILT, rebuild_other)


def current() -> bool:
    """Whether the stored findings are complete and were computed with the rules in force."""
    refresh_pending()
    digest = db.session.scalar(select(DevelopmentFindingsState.rules_sha256).where(DevelopmentFindingsState.id == 1))
    return digest is not None and digest == text_digest(current_rules().source_text)


def _where(stmt, condition, today: date, year: int | None):
    f = DevelopmentFinding
    stmt = stmt.join(User, User.id == f.user_id).where(condition, or_(f.due.is_(False), f.on < today))
    if year:
        stmt = stmt.where(f.on >= date(year, 1, 1), f.on <= date(year, 12, 31))
    return stmt


def counts(condition, today: date, *, year: int | None = None) -> list[tuple[int, str, int]]:
    """(branch id, kind, findings) of the stored findings of the people meeting `condition`, as of `today`."""
    f = DevelopmentFinding
    stmt = _where(select(User.branch_id, f.kind, func.count()), condition, today, year).group_by(User.branch_id, f.kind)
    return [(branch_id, kind, int(n)) for branch_id, kind, n in db.session.execute(stmt)]


def _message(messages: dict) -> str:
    return messages.get(str(get_locale() or _languages()[0])) or messages.get(_languages()[0], "")


def read(condition, today: date, *, year: int | None = None, messages: bool = True) -> list[Finding]:
    """The stored findings of the people meeting `condition` (a condition on User), as of `today`.
    Without `messages` each finding's message is empty until `with_messages` (a page of a long list)."""
    f = DevelopmentFinding
    text = f.messages if messages else literal(None).label("messages")
    rows = db.session.execute(_where(select(*PERSON_COLUMNS, f.kind, f.code, f.step_id, f.on, f.due,
                                            f.id.label("finding_id"), text), condition, today, year)).all()
    return [Finding(PersonRef(*r[:4]), r.kind, r.code, _message(r.messages) if messages else "", r.step_id, r.on,
                    r.due, r.finding_id) for r in rows]


def with_messages(findings: list[Finding]) -> list[Finding]:
    """The findings with the messages of those read without them, in the reader's language (one statement)."""
    wanted = [f.ref for f in findings if f.ref is not None and not f.message]
    if not wanted:
        return findings
    texts = dict(db.session.execute(select(DevelopmentFinding.id, DevelopmentFinding.messages)
                                    .where(DevelopmentFinding.id.in_(wanted))).all())
    return [replace(f, message=_message(texts.get(f.ref) or {})) if f.ref in texts and not f.message else f
            for f in findings]


def init_app(app) -> None:
    FINDINGS.listen()


def _key(f: Finding) -> tuple:
    return (f.person.id, f.kind, f.code, f.step_id, f.on, f.message)


def differences(today: date, *conditions) -> set[int]:
    """The people whose stored findings (as of `today`) differ from their files checked now: empty
    when the store is right (the property test holds it so after random changes)."""
    checked = {_key(f) for f in check_all(today, *conditions)}
    kept = {_key(f) for f in read(and_(true(), *conditions), today)}
    return {k[0] for k in checked ^ kept}
