"""The plan against the development files: what was done in a year, per branch subtree.

A step counts when it is done (recorded, or accepted by the committee) and dated in the year; a
person counts once per measure (their first such step of the year), in the branch they belong to
now. "Developed" (发展) is the committee's approval as probationary member (接收预备党员).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.development.models import DevelopmentStep
from learnapp.development.queries import DONE
from learnapp.org.models import Branch
from learnapp.planning.categories import Category, categories
from learnapp.planning.services import plans_in_force
from learnapp.security import branch_ids_under

# Measure -> the step that counts for it.
MEASURES = {
    "developed": "committee_approval_admission",
    "activists_filed": "activist_filed",
    "targets_filed": "target_filed",
    "full_members": "committee_approval_full",
    "extended": "probation_extended",
}
MEASURE_LABELS = {
    "developed": _l("Admitted as probationary members"),
    "activists_filed": _l("Activists filed"),
    "targets_filed": _l("Development targets filed"),
    "full_members": _l("Full memberships approved"),
    "extended": _l("Probations extended"),
}


class CountedPerson(NamedTuple):
    """What the plan reads of a person counted: read as columns (a year's admissions of a large
    committee are thousands of people), with the register's fields the composition categories test."""

    id: int
    name: str
    branch_id: int
    gender: str | None
    ethnicity: str | None
    education: str | None
    job_category: str | None
    birth_date: date | None


PERSON_COLUMNS = (User.id, User.name, User.branch_id, User.gender, User.ethnicity, User.education, User.job_category,
                  User.birth_date)


@dataclass
class Counted:
    person: CountedPerson
    on: date  # the day of the step that counts


@dataclass
class Row:
    """One branch's subtree: the plan in force (own, or the sum of its sub-branches' plans) and the counts."""

    branch: Branch
    planned: int | None = None
    targets: dict[str, int] = field(default_factory=dict)
    own_plan: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    composition: dict[str, int] = field(default_factory=dict)

    @property
    def developed(self) -> int:
        return self.counts.get("developed", 0)

    @property
    def rate(self) -> float | None:
        """执行率 in percent, one decimal; None without a plan or with a plan of 0."""
        return round(100 * self.developed / self.planned, 1) if self.planned else None

    def share(self, code: str) -> float | None:
        return round(100 * self.composition.get(code, 0) / self.developed, 1) if self.developed else None

    def target_share(self, code: str) -> float | None:
        target = self.targets.get(code)
        return round(100 * target / self.planned, 1) if target is not None and self.planned else None


def counted(branch: Branch, year: int) -> dict[str, list[Counted]]:
    """measure -> the people counted in the branch's subtree for the year, by date."""
    return counted_under([branch.path], year)


def counted_under(paths: list[str], year: int, measures=tuple(MEASURES)) -> dict[str, list[Counted]]:
    """measure -> the people counted in the subtrees of `paths` for the year, by date."""
    first = func.min(DevelopmentStep.done_on).label("on")
    stmt = (select(DevelopmentStep.code, first, *PERSON_COLUMNS)
            .join(User, User.id == DevelopmentStep.user_id)
            .where(DevelopmentStep.code.in_(tuple(MEASURES[m] for m in measures)), DevelopmentStep.status.in_(DONE),
                   DevelopmentStep.done_on >= date(year, 1, 1), DevelopmentStep.done_on <= date(year, 12, 31),
                   User.branch_id.in_(branch_ids_under(paths)))
            .group_by(DevelopmentStep.code, *PERSON_COLUMNS))
    by_code = {code: measure for measure, code in MEASURES.items()}
    found: dict[str, list[Counted]] = {m: [] for m in MEASURES}
    people: dict[int, CountedPerson] = {}
    for row in db.session.execute(stmt):
        person = people.setdefault(row[2], CountedPerson(*row[2:]))
        found[by_code[row[0]]].append(Counted(person, row[1]))
    for items in found.values():
        items.sort(key=lambda c: (c.on, c.person.name, c.person.id))
    return found


def in_category(items: list[Counted], category: Category) -> list[Counted]:
    return [c for c in items if category.matches(c.person, c.on)]


def _plan_sums(tree: list[Branch], plans: dict) -> dict[int, tuple[int | None, dict, bool]]:
    """branch id -> (planned, targets, own): a branch's own plan, else the sum of its children's."""
    children = defaultdict(list)
    for b in tree:
        children[b.parent_id].append(b)
    result: dict[int, tuple[int | None, dict, bool]] = {}

    def visit(b: Branch):
        for child in children.get(b.id, ()):
            visit(child)
        if b.id in plans:
            result[b.id] = (plans[b.id].planned, dict(plans[b.id].targets or {}), True)
            return
        subs = [result[c.id] for c in children.get(b.id, ()) if result[c.id][0] is not None]
        if not subs:
            result[b.id] = (None, {}, False)
            return
        targets: dict[str, int] = defaultdict(int)
        for _planned, t, _own in subs:
            for code, n in t.items():
                targets[code] += n
        result[b.id] = (sum(s[0] for s in subs), dict(targets), False)

    ids = {x.id for x in tree}
    roots = [b for b in tree if b.parent_id not in ids]
    for root in roots:
        visit(root)
    return result


def _tallies(paths: list[str], year: int) -> dict[str, Counter]:
    """measure -> people counted per branch id in the subtrees of `paths` (counted in SQL)."""
    stmt = (select(User.branch_id, DevelopmentStep.code, func.count(distinct(DevelopmentStep.user_id)))
            .join(User, User.id == DevelopmentStep.user_id)
            .where(DevelopmentStep.code.in_(tuple(MEASURES.values())), DevelopmentStep.status.in_(DONE),
                   DevelopmentStep.done_on >= date(year, 1, 1), DevelopmentStep.done_on <= date(year, 12, 31),
                   User.branch_id.in_(branch_ids_under(paths)))
            .group_by(User.branch_id, DevelopmentStep.code))
    by_code = {code: measure for measure, code in MEASURES.items()}
    tallies: dict[str, Counter] = {m: Counter() for m in MEASURES}
    for branch_id, code, n in db.session.execute(stmt):
        tallies[by_code[code]][branch_id] += int(n)
    return tallies


def composition_of(developed: list[Counted], cats) -> dict[str, Counter]:
    """category code -> people admitted per branch id who fall in the category."""
    return {cat.code: Counter(c.person.branch_id for c in in_category(developed, cat)) for cat in cats}


def rows_for(branch: Branch, year: int) -> tuple[Row, list[Row], dict[str, list[Counted]]]:
    """The branch's subtree total, one row per direct sub-branch, and the people admitted (the
    composition is theirs; the other measures are counted in SQL)."""
    tree = list(db.session.scalars(select(Branch).where(Branch.path.startswith(branch.path, autoescape=True))))
    plans = _plan_sums(tree, plans_in_force([b.id for b in tree], year))
    found = {"developed": counted_under([branch.path], year, ("developed",))["developed"]}
    rows = rows_of(branch, tree, plans, _tallies([branch.path], year), composition_of(found["developed"], categories()))
    return rows[0], rows[1:], found


def totals_for(branches: list[Branch], year: int) -> dict[int, tuple[Row, list[Row]]]:
    """rows_for's total and sub-branch rows for many branches at once (a fixed number of statements;
    everything counted once per branch id, then summed once per subtree)."""
    tree = list(db.session.scalars(select(Branch)))
    plans = _plan_sums(tree, plans_in_force([b.id for b in tree], year))
    paths = outermost([b.path for b in branches])
    tallies = _tallies(paths, year)
    composition = composition_of(counted_under(paths, year, ("developed",))["developed"], categories())
    subtrees = Subtrees(tree, tallies, composition)
    out = {}
    for branch in branches:
        rows = rows_of(branch, tree, plans, tallies, composition, subtrees)
        out[branch.id] = (rows[0], rows[1:])
    return out


def outermost(paths: list[str]) -> list[str]:
    """The paths not inside another of them: the same people, a shorter condition."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


class Subtrees:
    """The tree read once: each branch's children in order and its subtree's counts, summed once."""

    def __init__(self, tree: list[Branch], tallies: dict[str, Counter], composition: dict[str, Counter]):
        paths = {b.id: b.path for b in tree}
        self.children: dict[int, list[Branch]] = defaultdict(list)
        for b in sorted(tree, key=lambda b: (b.sort_order, b.id)):
            self.children[b.parent_id].append(b)
        self.counts: dict[int, dict[str, int]] = {i: dict.fromkeys(tallies, 0) for i in paths}
        self.composition: dict[int, dict[str, int]] = {i: dict.fromkeys(composition, 0) for i in paths}
        for o, path in paths.items():  # each branch's counts added to itself and every branch above it
            above = [i for i in path_ids(path) if i in paths]
            for measure, counts in tallies.items():
                if counts.get(o):
                    for i in above:
                        self.counts[i][measure] += counts[o]
            for code, counts in composition.items():
                if counts.get(o):
                    for i in above:
                        self.composition[i][code] += counts[o]


def path_ids(path: str) -> list[int]:
    """The ids in a branch's path ("/1/4/9/"): the branches above it and itself."""
    return [int(part) for part in path.strip("/").split("/") if part]


def rows_of(branch: Branch, tree: list[Branch], plans: dict, tallies: dict[str, Counter],
            composition: dict[str, Counter], subtrees: Subtrees | None = None) -> list[Row]:
    """The branch's subtree total, then one row per direct sub-branch: `tallies` (measure) and
    `composition` (category) count people per branch id, summed here over the branches under each row."""
    subtrees = subtrees or Subtrees(tree, tallies, composition)
    rows = []
    for b in [branch, *subtrees.children.get(branch.id, ())]:
        planned, targets, own = plans[b.id]
        row = Row(b, planned, targets, own)
        row.counts = dict(subtrees.counts[b.id])
        row.composition = dict(subtrees.composition[b.id])
        rows.append(row)
    return rows
