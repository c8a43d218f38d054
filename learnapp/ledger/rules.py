"""Credit rules per training year, kept as YAML: parsing with line numbers, and the rules in force.

A rules file (see content/credit-rules/README.md) says what a year requires and how study turns into
credit. Credits in the file are in 学时 with at most two decimals; inside learnapp they are integer
hundredths. The parser walks the YAML node tree (yaml.compose) so every error names its line and key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache

from flask_babel import gettext as _
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from learnapp import clock, request_memo, versioned_rules
from learnapp.accounts import sessions
from learnapp.accounts.models import Role, Stage
from learnapp.ledger.models import Category, CreditRuleSet
from learnapp.rules_yaml import NodeReader, RuleProblem, RulesError  # noqa: F401  (the ledger's readers import them from here)

# Any part of a half day (4 clock hours) counts as a half day; a day is two half days.
HALF_DAY_MINUTES = 240
CONVERSION_KINDS = ("per_hour", "per_half_day", "per_day", "per_item", "fixed")
CONVERTIBLE = tuple(c for c in Category if c not in (Category.carry_over, Category.adjustment))
MAX_CREDIT = 100_000  # 1000 学时: anything above is a typing mistake


@dataclass(frozen=True)
class Band:
    min_minutes: int
    credit: int  # hundredths


@dataclass(frozen=True)
class Conversion:
    kind: str
    credit: int = 0  # hundredths per unit (hour, half day, day) or per event (fixed)
    bands: tuple[Band, ...] = ()  # per_item: longest first

    def for_days(self, day_minutes: list[int]) -> int:
        """Credit for study spread over days (minutes studied on each local day)."""
        if self.kind == "per_hour":
            return sum(self.credit * m // 60 for m in day_minutes)
        if self.kind in ("per_half_day", "per_day"):
            half_days = sum(min(2, -(-m // HALF_DAY_MINUTES)) for m in day_minutes if m > 0)
            return self.credit * half_days if self.kind == "per_half_day" else self.credit * half_days // 2
        if self.kind == "per_item":
            return self.item(sum(day_minutes))
        return self.credit  # fixed

    def item(self, minutes: int) -> int:
        for band in self.bands:
            if minutes >= band.min_minutes:
                return band.credit
        return 0


DEFAULT_BANDS = (Band(30, 100), Band(15, 50), Band(0, 25))


# Roles that run or inspect the training rather than take part in it: the committee's
# administrators and the auditors from the level above. An account holding one of them owes no
# study hours unless the year's rules name one of its roles under `requirement.by_role`.
NON_TRAINING_ROLES = frozenset({"committee_admin", "auditor"})


@dataclass(frozen=True)
class YearRules:
    """The rules of one training year. All credits in hundredths of a 学时."""

    year: int
    requirement_default: int = 5000
    requirement_by_stage: Mapping[str, int] = field(default_factory=dict)
    requirement_by_role: Mapping[str, int] = field(default_factory=dict)
    min_online: int | None = None
    min_offline: int | None = None
    conversions: Mapping[Category, Conversion] = field(default_factory=dict)
    category_caps: Mapping[Category, int] = field(default_factory=dict)
    daily_online_cap: int | None = None
    carry_over_max: int = 0  # 0: no carry-over
    version: int | None = None  # None: built-in defaults, no rules loaded for the year

    def item_credit(self, minutes: int, category: Category | str = Category.online_reading) -> int:
        """Credit for one item (a reading, a video) by its length bands."""
        conversion = self.conversions.get(Category(category))
        if conversion is None or conversion.kind != "per_item":
            conversion = self.conversions.get(Category.online_reading) or Conversion("per_item", bands=DEFAULT_BANDS)
        return conversion.item(max(0, int(minutes)))

    @property
    def test_pass_credit(self) -> int:
        conversion = self.conversions.get(Category.test_passed)
        return conversion.credit if conversion and conversion.kind == "fixed" else 50

    def owes_hours(self, roles: Iterable[str]) -> bool:
        """Whether the year's requirement applies to a person holding `roles` (who is "in
        training"). Every stage owes hours (the requirement's default covers all of them), but an
        account that administers or audits (NON_TRAINING_ROLES) does not, unless the rules give one
        of its roles a requirement of its own. assessments.queries.in_training_sql() is the same
        rule in SQL, for totals, dashboards, reminders and exports."""
        roles = {str(r) for r in roles}
        return not (roles & NON_TRAINING_ROLES) or bool(roles & set(self.requirement_by_role))

    def requirement_for(self, user, roles: Iterable[str] | None = None) -> int:
        """The person's annual requirement: by role if one applies (the highest), else by stage.
        `roles`: the roles the person holds, when the caller has them (else read from their grants)."""
        roles = {str(g.role) for g in getattr(user, "grants", [])} if roles is None else {str(r) for r in roles}
        by_role = [v for r, v in self.requirement_by_role.items() if r in roles]
        if by_role:
            return max(by_role)
        return self.requirement_by_stage.get(str(user.stage), self.requirement_default)

    def carry_over_for(self, excess: int) -> int:
        return max(0, min(excess, self.carry_over_max))


# ---------------------------------------------------------------------------------------------
# Parsing

class _Parser(NodeReader):
    def is_null(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag.endswith(":null")

    def credit(self, node: Node, key: str, *, allow_zero: bool = True) -> int | None:
        """学时 with at most two decimals → hundredths. Decimal, never float."""
        if not isinstance(node, ScalarNode) or not (node.tag.endswith(":int") or node.tag.endswith(":float")):
            self.fail(node, key, _("must be a number of study hours, e.g. 4 or 0.5"))
            return None
        try:
            value = Decimal(str(node.value).replace("_", ""))
        except InvalidOperation:
            self.fail(node, key, _("must be a number of study hours, e.g. 4 or 0.5"))
            return None
        hundredths = value * 100
        if not value.is_finite() or hundredths != hundredths.to_integral_value():
            self.fail(node, key, _("at most two decimals"))
            return None
        result = int(hundredths)
        if result < 0 or (result == 0 and not allow_zero) or result > MAX_CREDIT:
            self.fail(node, key, _("must be between 0 and 1000 study hours"))
            return None
        return result

    def credit_map(self, node: Node, key: str, allowed: tuple[str, ...]) -> dict[str, int]:
        result = {}
        for name, (_k, vnode) in self.mapping(node, key, allowed).items():
            value = self.credit(vnode, f"{key}.{name}")
            if value is not None:
                result[name] = value
        return result

    def conversion(self, node: Node, key: str) -> Conversion | None:
        entries = self.mapping(node, key, CONVERSION_KINDS)
        if len(entries) != 1:
            if entries or isinstance(node, MappingNode):
                self.fail(node, key, _("give exactly one of: %(kinds)s", kinds=", ".join(CONVERSION_KINDS)))
            return None
        kind, (_k, vnode) = next(iter(entries.items()))
        path = f"{key}.{kind}"
        if kind != "per_item":
            value = self.credit(vnode, path, allow_zero=True)
            return None if value is None else Conversion(kind, credit=value)
        if not isinstance(vnode, SequenceNode) or not vnode.value:
            self.fail(vnode, path, _("must be a list of bands like {min_minutes: 30, credit: 1}"))
            return None
        bands = []
        for i, band_node in enumerate(vnode.value):
            band_path = f"{path}[{i}]"
            band = self.mapping(band_node, band_path, ("min_minutes", "credit"))
            if set(band) != {"min_minutes", "credit"}:
                if isinstance(band_node, MappingNode):
                    self.fail(band_node, band_path, _("each band needs min_minutes and credit"))
                continue
            minutes = self.integer(band["min_minutes"][1], f"{band_path}.min_minutes", 0, 24 * 60)
            credit = self.credit(band["credit"][1], f"{band_path}.credit")
            if minutes is not None and credit is not None:
                bands.append(Band(minutes, credit))
        if len({b.min_minutes for b in bands}) != len(bands):
            self.fail(vnode, path, _("two bands start at the same length"))
        return Conversion("per_item", bands=tuple(sorted(bands, key=lambda b: -b.min_minutes)))


TOP_KEYS = ("year", "requirement", "conversion", "caps", "carry_over")
STAGES = tuple(s.value for s in Stage)
ROLES = tuple(r.value for r in Role)
CATEGORY_NAMES = tuple(c.value for c in CONVERTIBLE)


def parse_rules(text: str, *, expected_year: int | None = None, source: str = "") -> YearRules:
    """Parse and check a rules file; raises RulesError listing every problem with its line."""
    p = _Parser()
    root, top = p.top(text, TOP_KEYS, source)
    year = None
    if "year" not in top:
        p.fail(root, "year", _("is required"))
    else:
        year = p.integer(top["year"][1], "year", 2000, 2100)
        if year is not None and expected_year is not None and year != expected_year:
            p.fail(top["year"][1], "year", _("is %(found)d but this is the rules of %(expected)d", found=year, expected=expected_year))
    kwargs: dict = {}
    if "requirement" in top:
        req = p.mapping(top["requirement"][1], "requirement", ("default", "by_stage", "by_role", "min_online", "min_offline"))
        if "default" in req:
            value = p.credit(req["default"][1], "requirement.default")
            if value is not None:
                kwargs["requirement_default"] = value
        if "by_stage" in req:
            kwargs["requirement_by_stage"] = p.credit_map(req["by_stage"][1], "requirement.by_stage", STAGES)
        if "by_role" in req:
            kwargs["requirement_by_role"] = p.credit_map(req["by_role"][1], "requirement.by_role", ROLES)
        for name in ("min_online", "min_offline"):
            if name in req and not p.is_null(req[name][1]):
                kwargs[name] = p.credit(req[name][1], f"requirement.{name}")
    conversions = {}
    if "conversion" in top:
        for name, (_k, vnode) in p.mapping(top["conversion"][1], "conversion", CATEGORY_NAMES).items():
            conversion = p.conversion(vnode, f"conversion.{name}")
            if conversion is not None:
                conversions[Category(name)] = conversion
    kwargs["conversions"] = {**default_conversions(), **conversions}
    if "caps" in top:
        caps = p.mapping(top["caps"][1], "caps", ("per_category", "daily_online"))
        if "per_category" in caps:
            kwargs["category_caps"] = {Category(k): v for k, v in
                                       p.credit_map(caps["per_category"][1], "caps.per_category", CATEGORY_NAMES).items()}
        if "daily_online" in caps and not p.is_null(caps["daily_online"][1]):
            kwargs["daily_online_cap"] = p.credit(caps["daily_online"][1], "caps.daily_online")
    if "carry_over" in top:
        node = top["carry_over"][1]
        if isinstance(node, ScalarNode) and str(node.value).lower() in ("none", "no", "false", "0", ""):
            kwargs["carry_over_max"] = 0
        else:
            carry = p.mapping(node, "carry_over", ("max",))
            if "max" in carry:
                kwargs["carry_over_max"] = p.credit(carry["max"][1], "carry_over.max") or 0
            elif isinstance(node, MappingNode):
                p.fail(node, "carry_over", _("give max (study hours that may carry over), or write: carry_over: none"))
    p.refuse_if_problems(source)
    return YearRules(year=year, **kwargs)


def default_conversions() -> dict[Category, Conversion]:
    """The bureau's usual conversions; a rules file overrides them category by category."""
    return {
        Category.online_reading: Conversion("per_item", bands=DEFAULT_BANDS),
        Category.online_video: Conversion("per_item", bands=DEFAULT_BANDS),
        Category.test_passed: Conversion("fixed", credit=50),
        Category.training_class: Conversion("per_day", credit=800),
        Category.lecture: Conversion("per_half_day", credit=400),
        Category.themed_party_day: Conversion("per_half_day", credit=400),
        Category.red_education_visit: Conversion("per_half_day", credit=400),
        Category.branch_study: Conversion("per_hour", credit=100),
        Category.self_study: Conversion("per_hour", credit=100),
    }


def default_rules(year: int) -> YearRules:
    return YearRules(year=year, conversions=default_conversions())


def template_text(year: int) -> str:
    """A starting rules file for a year without one (the web editor offers it)."""
    return TEMPLATE.replace("{year}", str(year))


TEMPLATE = """\
# Credit rules for the {year} training year. Credits are in 学时 (study hours), up to 2 decimals.
year: {year}
requirement:
  default: 50
  by_role:
    branch_admin: 56
  min_online: null
  min_offline: null
conversion:
  online_reading: {per_item: [{min_minutes: 30, credit: 1}, {min_minutes: 15, credit: 0.5}, {min_minutes: 0, credit: 0.25}]}
  online_video: {per_item: [{min_minutes: 30, credit: 1}, {min_minutes: 15, credit: 0.5}, {min_minutes: 0, credit: 0.25}]}
  test_passed: {fixed: 0.5}
  training_class: {per_day: 8}
  lecture: {per_half_day: 4}
  themed_party_day: {per_half_day: 4}
  red_education_visit: {per_half_day: 4}
  branch_study: {per_hour: 1}
  self_study: {per_hour: 1}
caps:
  per_category:
    self_study: 10
  daily_online: 8
carry_over:
  max: 10
"""


# ---------------------------------------------------------------------------------------------
# The rules in force

# The versions of a year's rules (learnapp/versioned_rules.py: saved by ledger.services.save_rules).
CREDIT_RULES = versioned_rules.RulesKind(CreditRuleSet, "rules.save", lambda: _("Only committee admins change the credit rules."))


def current_rule_set(year: int) -> CreditRuleSet | None:
    return versioned_rules.latest(CREDIT_RULES, year)


def rule_sets(year: int) -> list[CreditRuleSet]:
    """Every version of the year's rules, the latest first."""
    return versioned_rules.versions(CREDIT_RULES, year)


def rules_for_year(year: int) -> YearRules:
    """The latest loaded rules of the year, or the built-in defaults when none were loaded.

    Looked up once per request and year (every page that shows credit asks, some many times);
    saving a rule set drops the memo (learnapp.request_memo)."""
    return request_memo.remember("rules_for_year", int(year), lambda: _load_rules_for_year(int(year)))


request_memo.depends_on("rules_for_year", CreditRuleSet)


# The year's version in force: a person fact read with the claim of every signed-in request (the
# heartbeats too: every page that shows credit, and every heartbeat, needs the year's rules).
RULES_STAMP = versioned_rules.VersionStamp(CreditRuleSet, "rules_stamp", by_year=True)


@cache
def register_rules_stamp_fact() -> None:
    """Have accounts.sessions read this year's rules stamp with every signed-in person (from the
    ledger's init_app; once per process, however many applications the process creates)."""
    sessions.register_person_fact("rules_stamp", RULES_STAMP.column, lambda: {"rules_year": clock.today().year},
                                  lambda params, stamp: RULES_STAMP.keep(params["rules_year"], stamp), with_claim=True)


def _load_rules_for_year(year: int) -> YearRules:
    stamp = RULES_STAMP.latest(year)
    if stamp is None:
        return default_rules(year)
    return RULES_STAMP.parsed(stamp, lambda text, version: replace(parse_rules(text, expected_year=year), version=version))
