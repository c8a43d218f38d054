"""Composition categories of a plan (结构): each a rule on a person field of the register.

The app config key DEVELOPMENT_PLAN_CATEGORIES replaces the defaults with a list of dicts
{"code", "label", "field", "op", "value"}; field is one of gender, ethnicity, education,
job_category, birth_date; op is "eq", "in", "not_in" (a known value outside the list) or, for
birth_date, "age_under" (younger than `value` years on the day counted, e.g. the admission).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

FIELDS = ("gender", "ethnicity", "education", "job_category", "birth_date")
OPS = ("eq", "in", "not_in", "age_under")


@dataclass(frozen=True)
class Category:
    code: str
    label: object  # str or a lazy string
    field: str
    op: str
    value: object

    def matches(self, person, on: date) -> bool:
        """Whether `person` falls in the category on the day `on` (age is taken on that day)."""
        got = getattr(person, self.field, None)
        if got is None:
            return False
        if self.op == "age_under":
            years = on.year - got.year - ((on.month, on.day) < (got.month, got.day))
            return years < int(self.value)
        values = self.value if isinstance(self.value, (list, tuple)) else (self.value,)
        if self.op == "eq":
            return got == self.value
        if self.op == "in":
            return got in values
        return got not in values  # not_in


DEFAULTS = (
    Category("women", _l("Women"), "gender", "eq", "女"),
    Category("under_35", _l("Under 35"), "birth_date", "age_under", 35),
    Category("college", _l("College or higher"), "education", "in", ("研究生", "大学本科", "大学专科")),
    Category("frontline", _l("Frontline"), "job_category", "eq", "一线"),
    Category("minority", _l("Ethnic minorities"), "ethnicity", "not_in", ("汉族",)),
)


def _from_config(item: dict) -> Category:
    category = Category(str(item["code"]), item.get("label") or item["code"], item["field"], item["op"], item["value"])
    if category.field not in FIELDS or category.op not in OPS or (category.op == "age_under") != (category.field == "birth_date"):
        raise ValueError(f"DEVELOPMENT_PLAN_CATEGORIES: bad rule for {category.code!r}")
    return category


def categories() -> tuple[Category, ...]:
    configured = current_app.config.get("DEVELOPMENT_PLAN_CATEGORIES")
    return tuple(_from_config(item) for item in configured) if configured else DEFAULTS
