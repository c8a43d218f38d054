"""The scoring scheme of a year (绩效考核): a YAML file read node by node, so every error names its line.

A scheme is a list of items; each takes one measure from a fixed set (MEASURES: no formulas of the
committee's own, no code), a weight, and two thresholds: `full_at`, where the item earns its whole
weight, and `zero_at`, where it earns nothing; in between it earns in proportion. When `full_at` is
below `zero_at` less is better (compliance findings). The weights add up to 100. A measure that has
no value for a branch (no plan, nobody in training) leaves its item out by default (`when_missing:
skip`: the score is taken over the weights that apply), or counts it as `zero` or `full`.
See content/scoring/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from yaml.nodes import MappingNode, Node, ScalarNode

from learnapp.rules_yaml import NodeReader, label_in_language


@dataclass(frozen=True)
class Measure:
    code: str
    label: object
    unit: object  # what the number is: a percentage, a count


PERCENT, COUNT = _l("%"), _l("number")
MEASURES = {m.code: m for m in (
    Measure("hours_completion", _l("Share of people in training who completed the year's study hours"), PERCENT),
    Measure("average_hours", _l("Average study hours as a share of the year's requirement"), PERCENT),
    Measure("plan_execution", _l("Admissions as a share of the development plan"), PERCENT),
    Measure("compliance_findings", _l("Compliance findings dated in the year"), COUNT),
    Measure("test_participation", _l("Share of people in training who took a knowledge test"), PERCENT),
    Measure("test_pass_rate", _l("Share of test results that passed"), PERCENT),
    Measure("training_class", _l("Share of development targets who completed the training class"), PERCENT),
    Measure("activities_held", _l("Offline activities held"), COUNT),
)}
MISSING = ("skip", "zero", "full")
ITEM_KEYS = ("label", "measure", "weight", "full_at", "zero_at", "when_missing")
MAX_THRESHOLD = 100_000


@dataclass(frozen=True)
class Item:
    code: str
    label_zh: str
    label_en: str
    measure: str
    weight: int
    full_at: Decimal
    zero_at: Decimal
    when_missing: str = "skip"

    @property
    def label(self) -> str:
        return label_in_language(self.label_zh, self.label_en)

    def fraction(self, value) -> Decimal | None:
        """The share of the weight earned by `value` (0 to 1); None when the item does not apply."""
        if value is None:
            return {"skip": None, "zero": Decimal(0), "full": Decimal(1)}[self.when_missing]
        part = (Decimal(str(value)) - self.zero_at) / (self.full_at - self.zero_at)
        return max(Decimal(0), min(Decimal(1), part))

    def in_words(self) -> str:
        """The item's formula in plain terms."""
        full, zero = _plain(self.full_at), _plain(self.zero_at)
        if self.full_at > self.zero_at:
            return _("%(weight)d points at %(full)s or more, none at %(zero)s or less, in proportion between.",
                     weight=self.weight, full=full, zero=zero)
        return _("%(weight)d points at %(full)s or less, none at %(zero)s or more, in proportion between.",
                 weight=self.weight, full=full, zero=zero)


def _plain(value: Decimal) -> str:
    """100 as "100" (normalize() alone writes 1E+2), 0.50 as "0.5"."""
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class Scheme:
    year: int
    items: tuple[Item, ...]
    version: int | None = None


class _Parser(NodeReader):
    def text(self, node: Node, key: str) -> str | None:
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            self.fail(node, key, _("must be a text"))
            return None
        return str(node.value).strip()

    def threshold(self, node: Node, key: str) -> Decimal | None:
        if not isinstance(node, ScalarNode) or not (node.tag.endswith(":int") or node.tag.endswith(":float")):
            self.fail(node, key, _("must be a number"))
            return None
        try:
            value = Decimal(str(node.value).replace("_", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not 0 <= value <= MAX_THRESHOLD:
            self.fail(node, key, _("must be a number from 0 to %(max)d", max=MAX_THRESHOLD))
            return None
        return value


def _item(p: _Parser, code: str, node: Node) -> Item | None:
    key = f"items.{code}"
    entries = p.mapping(node, key, ITEM_KEYS)
    if not isinstance(node, MappingNode):
        return None
    for name in ("label", "measure", "weight", "full_at", "zero_at"):
        if name not in entries:
            p.fail(node, f"{key}.{name}", _("is required"))
    zh = en = measure = weight = full_at = zero_at = None
    if "label" in entries:
        label = p.mapping(entries["label"][1], f"{key}.label", ("zh", "en"))
        zh = p.text(label["zh"][1], f"{key}.label.zh") if "zh" in label else None
        en = p.text(label["en"][1], f"{key}.label.en") if "en" in label else None
        if isinstance(entries["label"][1], MappingNode) and ("zh" not in label or "en" not in label):
            p.fail(entries["label"][1], f"{key}.label", _("give zh and en"))
    if "measure" in entries:
        measure = p.text(entries["measure"][1], f"{key}.measure")
        if measure is not None and measure not in MEASURES:
            p.fail(entries["measure"][1], f"{key}.measure", _("unknown measure (the measures are: %(codes)s)",
                                                              codes=", ".join(MEASURES)))
            measure = None
    if "weight" in entries:
        weight = p.integer(entries["weight"][1], f"{key}.weight", 1, 100)
    if "full_at" in entries:
        full_at = p.threshold(entries["full_at"][1], f"{key}.full_at")
    if "zero_at" in entries:
        zero_at = p.threshold(entries["zero_at"][1], f"{key}.zero_at")
    if full_at is not None and zero_at is not None and full_at == zero_at:
        p.fail(entries["zero_at"][1], f"{key}.zero_at", _("must differ from full_at"))
        return None
    when_missing = "skip"
    if "when_missing" in entries:
        when_missing = p.text(entries["when_missing"][1], f"{key}.when_missing") or "skip"
        if when_missing not in MISSING:
            p.fail(entries["when_missing"][1], f"{key}.when_missing",
                   _("must be one of: %(kinds)s", kinds=", ".join(MISSING)))
    if None in (zh, en, measure, weight, full_at, zero_at):
        return None
    return Item(code, zh, en, measure, weight, full_at, zero_at, when_missing)


def parse_scheme(text: str, *, expected_year: int | None = None, source: str = "") -> Scheme:
    """Parse and check a scheme; raises RulesError listing every problem with its line."""
    p = _Parser()
    root, top = p.top(text, ("year", "items"), source)
    year = None
    if "year" not in top:
        p.fail(root, "year", _("is required"))
    else:
        year = p.integer(top["year"][1], "year", 2000, 2100)
        if year is not None and expected_year is not None and year != expected_year:
            p.fail(top["year"][1], "year", _("is %(found)d but this is the scheme of %(expected)d", found=year,
                                             expected=expected_year))
    items: list[Item] = []
    if "items" not in top:
        p.fail(root, "items", _("is required"))
    else:
        node = top["items"][1]
        entries = p.mapping(node, "items")
        for code, (_k, vnode) in entries.items():
            item = _item(p, code, vnode)
            if item is not None:
                items.append(item)
        if isinstance(node, MappingNode) and not entries:
            p.fail(node, "items", _("give at least one item"))
        elif not p.problems and sum(i.weight for i in items) != 100:
            p.fail(node, "", _("the weights add up to %(sum)d, not 100", sum=sum(i.weight for i in items)))
    p.refuse_if_problems(source)
    return Scheme(year=year, items=tuple(items))
