"""The development rules in force: versions kept in the database, the shipped file as the default.

`current_rules()` gives the latest loaded version, or the shipped content/development-rules.yaml
when none was loaded yet. Saving a changed text (the CLI's `development rules load`, or the
committee's numbers form in the site) is a new version, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from learnapp import request_memo, versioned_rules
from learnapp.accounts import sessions
from learnapp.development.models import DevelopmentRuleSet
from learnapp.development.rules_file import (
    PARAMETERS,
    ParsedRules,
    StepRule,
    parse_rules,
    with_parameters,
)
from learnapp.errors import DomainError
from learnapp.security import is_committee_admin

__all__ = ["DevelopmentRules", "StepRule", "current_rules", "save_rules", "save_parameters", "PARAMETERS"]


@dataclass(frozen=True)
class DevelopmentRules:
    """The steps in order, with the numbers they use and the version they come from (None: the shipped file)."""

    steps: tuple[StepRule, ...]
    parameters: dict[str, int]
    version: int | None
    source_text: str

    def step(self, code: str) -> StepRule:
        for rule in self.steps:
            if rule.code == code:
                return rule
        raise KeyError(code)

    @property
    def by_code(self) -> dict[str, StepRule]:
        return {rule.code: rule for rule in self.steps}


def default_path() -> Path:
    return versioned_rules.content_path("DEVELOPMENT_RULES_FILE", "development-rules.yaml")


_parsed: dict[str, ParsedRules] = {}


def _parse_cached(text: str) -> ParsedRules:
    key = versioned_rules.text_digest(text)
    parsed = _parsed.get(key)
    if parsed is None:
        parsed = parse_rules(text)
        if len(_parsed) > 32:
            _parsed.clear()
        _parsed[key] = parsed
    return parsed


def versions() -> list[DevelopmentRuleSet]:
    """Every version saved, the latest first."""
    return versioned_rules.versions(DEVELOPMENT_RULES)


# The version in force: a person fact (registered from development.init_app), so that a page
# showing someone's development (the home page's panel) spends no statement on asking which.
STAMP = versioned_rules.VersionStamp(DevelopmentRuleSet, "development_rules_stamp", by_year=False)


@cache
def register_rules_stamp_fact() -> None:
    """Have accounts.sessions read the stamp of the rules in force with every signed-in person
    (from development.init_app; once per process)."""
    sessions.register_person_fact("development_rules_stamp", STAMP.column, dict,
                                  lambda _params, stamp: STAMP.keep(None, stamp))


def _rules_of(text: str, version: int | None) -> DevelopmentRules:
    parsed = _parse_cached(text)
    return DevelopmentRules(steps=parsed.steps, parameters=parsed.parameters, version=version, source_text=text)


def _load_current() -> DevelopmentRules:
    stamp = STAMP.latest()
    if stamp is None:
        return _rules_of(default_path().read_text(encoding="utf-8"), None)
    return STAMP.parsed(stamp, _rules_of)


def current_rules() -> DevelopmentRules:
    """The rules in force (looked up once per request; a new version drops the memo)."""
    return request_memo.remember("development_rules", None, _load_current)


request_memo.depends_on("development_rules", DevelopmentRuleSet)


def _audit_facts(text: str | None) -> dict:
    return {"parameters": _parse_cached(text).parameters if text is not None else None}


DEVELOPMENT_RULES = versioned_rules.RulesKind(
    DevelopmentRuleSet, "development.rules_save", lambda: _("Only committee admins change the development rules."),
    by_year=False, audit_facts=_audit_facts)


def save_rules(actor, source_text: str, *, source_name: str, note: str | None = None) -> DevelopmentRuleSet | None:
    """Store a new version of the rules; None when the text equals the version in force.

    Raises DomainError (field "source_text") naming the line of each problem. `actor` SYSTEM: the
    site itself (CLI); otherwise a committee admin. Steps already recorded keep the version they were
    checked against."""
    return versioned_rules.save_version(DEVELOPMENT_RULES, actor, source_text,
                                        lambda text: parse_rules(text, source=source_name),
                                        source_name=source_name, note=note)


def save_parameters(actor, values: dict[str, int], *, note: str | None = None) -> DevelopmentRuleSet | None:
    """The committee changes the numbers: a new version of the rules text with them; audited."""
    if not is_committee_admin(actor):
        raise DomainError(_("Only committee admins change the development rules."))
    reasons = []
    for name, value in values.items():
        if name not in PARAMETERS:
            reasons.append((name, _("Unknown parameter.")))
            continue
        _default, low, high = PARAMETERS[name]
        if value is None or not low <= int(value) <= high:
            reasons.append((name, _("Must be between %(low)d and %(high)d.", low=low, high=high)))
    if reasons:
        raise DomainError(reasons)
    text = with_parameters(current_rules().source_text, {k: int(v) for k, v in values.items()})
    return save_rules(actor, text, source_name="web", note=note)
