"""The scoring schemes in force and each branch's score with its breakdown (绩效考核).

A scheme version is stored as its text (like the credit and development rules); the scheme of a
year is its latest version. A branch's score is computed from its subtree's year-end figures
(figures.year_end): no league table of people, only the branch's own measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from learnapp import versioned_rules
from learnapp.org.models import Branch
from learnapp.yearend import many
from learnapp.yearend.figures import YearEnd, share
from learnapp.yearend.models import ScoringScheme
from learnapp.yearend.scheme import Item, Scheme, parse_scheme


def measure_value(f: YearEnd, measure: str):
    """The value of one of the scheme's measures for a subtree's figures; None when it has none."""
    values = {
        "hours_completion": lambda: f.training.completed_share,
        "average_hours": lambda: share(f.training.average, f.training.requirement),
        "plan_execution": lambda: f.plan.rate,
        "compliance_findings": lambda: f.findings_total,
        "test_participation": lambda: f.tests.participation,
        "test_pass_rate": lambda: f.tests.pass_rate,
        "training_class": lambda: share(f.training_class.targets_trained, f.training_class.targets),
        "activities_held": lambda: f.activities_held,
    }
    return values[measure]()


SCORING_SCHEMES = versioned_rules.RulesKind(ScoringScheme, "scoring.save",
                                            lambda: _("Only committee admins change the scoring scheme."))


def versions(year: int) -> list[ScoringScheme]:
    return versioned_rules.versions(SCORING_SCHEMES, year)


def scheme_for_year(year: int) -> Scheme | None:
    latest = next(iter(versions(year)), None)
    if latest is None:
        return None
    parsed = parse_scheme(latest.source_text, expected_year=year)
    return Scheme(parsed.year, parsed.items, latest.version)


def save_scheme(actor, source_text: str, *, source_name: str, note: str | None = None,
                expected_year: int | None = None) -> ScoringScheme | None:
    """Store a new version of a year's scheme; None when the text equals the version in force.
    Raises DomainError (field "source_text") naming the line of each problem."""
    return versioned_rules.save_version(SCORING_SCHEMES, actor, source_text,
                                        lambda text: parse_scheme(text, expected_year=expected_year, source=source_name),
                                        source_name=source_name, note=(note or "").strip() or None)


@dataclass
class Line:
    item: Item
    value: object  # the measure's value, None when it has none
    points: Decimal | None  # None: the item does not apply


@dataclass
class BranchScore:
    branch: Branch
    lines: list[Line]

    @property
    def applicable(self) -> int:
        return sum(line.item.weight for line in self.lines if line.points is not None)

    @property
    def earned(self) -> Decimal:
        return sum((line.points for line in self.lines if line.points is not None), Decimal(0))

    @property
    def score(self) -> Decimal | None:
        """Out of 100: the points earned over the weights that apply, one decimal."""
        if not self.applicable:
            return None
        return (self.earned * 100 / self.applicable).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score_of(scheme: Scheme, f: YearEnd) -> BranchScore:
    lines = []
    for item in scheme.items:
        value = measure_value(f, item.measure)
        fraction = item.fraction(value)
        points = None if fraction is None else (fraction * item.weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        lines.append(Line(item, value, points))
    return BranchScore(f.branch, lines)


def branch_scores(scheme: Scheme, branches: list[Branch], year: int, today: date) -> list[BranchScore]:
    """Each branch's score over its subtree, in the order given: every figure is read once for all
    the branches (many.year_end_many)."""
    if not branches:
        return []
    each = many.year_end_many(branches, year, today)
    return [score_of(scheme, each[b.id]) for b in branches]
