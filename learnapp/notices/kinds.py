"""What each kind of notice says and where it leads, written when shown (in the reader's language).

A notice keeps only its kind and parameters; names that exist in both languages (a development
step's label) are kept as {"zh_CN": ..., "en": ...} and picked here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from learnapp.web import format_credit


def both_languages(zh: str, en: str) -> dict[str, str]:
    """A name kept in both languages, for `params`."""
    return {"zh_CN": zh, "en": en}


def _pick(value) -> str:
    if isinstance(value, dict):
        locale = get_locale()
        language = locale.language if locale is not None else "zh"
        return str(value.get("en") if language == "en" else value.get("zh_CN") or value.get("en") or "")
    return str(value or "")


class Kind(NamedTuple):
    text: Callable[[dict], str]
    link: Callable[[dict], tuple[str, dict] | None]  # (endpoint, values) or None


def _quarter(p) -> str:
    return _("%(year)d Q%(quarter)d", year=int(p.get("year") or 0), quarter=int(p.get("quarter") or 0))


def _claim_link(p):
    return ("ledger.claim", {"claim_id": p["claim_id"]}) if p.get("claim_id") else None


def _quiz_link(p):
    return ("quizzes.quiz_info", {"quiz_id": p["quiz_id"]}) if p.get("quiz_id") else None


KINDS: dict[str, Kind] = {
    "claim_approved": Kind(
        lambda p: _("Your claim “%(title)s” was approved: %(credit)s study hours.",
                    title=p.get("title", ""), credit=format_credit(int(p.get("credit") or 0))),
        _claim_link),
    "claim_rejected": Kind(
        lambda p: _("Your claim “%(title)s” was rejected: %(reason)s", title=p.get("title", ""),
                    reason=p.get("reason", "")),
        _claim_link),
    "step_recorded": Kind(
        lambda p: _("%(step)s was recorded in your development file (%(date)s).", step=_pick(p.get("step")),
                    date=p.get("done_on", "")),
        lambda p: ("development.mine", {})),
    "step_returned": Kind(
        lambda p: _("%(step)s was returned by the committee: %(reason)s", step=_pick(p.get("step")),
                    reason=p.get("reason", "")),
        lambda p: ("development.mine", {})),
    "report_read": Kind(
        lambda p: _("Your thought report for %(quarter)s was read: %(comment)s", quarter=_quarter(p),
                    comment=p.get("comment", "")),
        lambda p: ("contactwork.report", {"report_id": p["report_id"]}) if p.get("report_id") else None),
    "report_missing": Kind(
        lambda p: _("Your thought report for %(quarter)s has not been handed in yet.", quarter=_quarter(p)),
        lambda p: ("contactwork.report_write", {"quarter": f"{p['year']}-{p['quarter']}"}) if p.get("year") else None),
    "quiz_published": Kind(
        lambda p: _("A new quiz for you: %(title)s", title=p.get("title", "")),
        _quiz_link),
    "quiz_due": Kind(
        lambda p: _("The quiz “%(title)s” closes on %(date)s.", title=p.get("title", ""), date=p.get("closes_on", "")),
        _quiz_link),
    "reading_due": Kind(
        lambda p: _("The required reading “%(title)s” (%(list)s) is due on %(date)s.", title=p.get("title", ""),
                    list=p.get("list", ""), date=p.get("due_on", "")),
        lambda p: ("materials.read", {"slug": p["slug"]}) if p.get("slug") else None),
    "behind_pace": Kind(
        lambda p: _("You have %(total)s of the %(requirement)s study hours required in %(year)d; by today the "
                    "pace line is %(pace)s.", total=format_credit(int(p.get("total") or 0)),
                    requirement=format_credit(int(p.get("requirement") or 0)), year=int(p.get("year") or 0),
                    pace=format_credit(int(p.get("pace") or 0))),
        lambda p: ("ledger.mine", {"year": p.get("year")})),
}


def text_of(kind: str, params: dict) -> str:
    known = KINDS.get(kind)
    return known.text(params or {}) if known else kind


def link_of(kind: str, params: dict) -> str | None:
    known = KINDS.get(kind)
    target = known.link(params or {}) if known else None
    return url_for(target[0], **target[1]) if target else None


def subject_of(kind: str) -> str:
    """The e-mail subject of a kind (the text itself is the body)."""
    return _("A notice from the Party training records site")
