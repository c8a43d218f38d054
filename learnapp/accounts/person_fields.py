"""The person facts of the register (名册) and the structure report, and how written values map to them.

    normalise_gender("男性") -> "男"          normalise_ethnicity("汉") -> "汉族"
    normalise_education("硕士") -> "研究生"     normalise_job_category("专技") -> "专业技术"
    parse_register_date("２０２３．０５") -> RegisterDate(date(2023, 5, 1), "month")

Each normaliser returns the stored value (None for an empty one) or raises ValueError with a message
for people. Education levels and job categories are configurable: the app config keys
PERSON_EDUCATION_LEVELS and PERSON_JOB_CATEGORIES map each category to the variants accepted for it
(the category itself is always accepted); PERSON_EXTRA_ETHNICITIES adds names to the 56.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from learnapp import clock

GENDERS = {"男": ("男", "男性", "m", "male"), "女": ("女", "女性", "f", "female")}

# The 56 nationalities recognised by the State (国家认定的56个民族), in the order of GB 3304.
ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
    "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)

DEFAULT_EDUCATION_LEVELS: dict[str, tuple[str, ...]] = {
    "研究生": ("博士", "博士研究生", "硕士", "硕士研究生", "研究生学历", "在职研究生"),
    "大学本科": ("本科", "大学", "大本", "学士"),
    "大学专科": ("大专", "专科", "高职"),
    "中专": ("中专", "中技", "中等专科", "职高", "技校"),
    "高中": ("高中", "普高"),
    "初中及以下": ("初中", "小学", "初中以下"),
}

DEFAULT_JOB_CATEGORIES: dict[str, tuple[str, ...]] = {
    "一线": ("生产一线", "一线职工", "一线工人", "工作一线"),
    "专业技术": ("专业技术人员", "专技", "技术人员"),
    "管理": ("管理人员", "行政管理", "机关"),
    "其他": ("其它",),
}

MAX_DEPARTMENT = 120


def _key(text: str) -> str:
    """Compare written values without width, case and spaces (全角 ＭＡＬＥ = male)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def education_levels() -> dict[str, tuple[str, ...]]:
    return current_app.config.get("PERSON_EDUCATION_LEVELS") or DEFAULT_EDUCATION_LEVELS


def job_categories() -> dict[str, tuple[str, ...]]:
    return current_app.config.get("PERSON_JOB_CATEGORIES") or DEFAULT_JOB_CATEGORIES


def ethnicities() -> tuple[str, ...]:
    return ETHNICITIES + tuple(current_app.config.get("PERSON_EXTRA_ETHNICITIES") or ())


def _from_vocabulary(value, vocabulary: dict[str, tuple[str, ...]]) -> str | None:
    for category, variants in vocabulary.items():
        if _key(value) in {_key(category), *(_key(v) for v in variants)}:
            return category
    return None


def normalise_gender(value) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    found = _from_vocabulary(text, GENDERS)
    if found is None:
        raise ValueError(_("Write the gender as 男 or 女, not %(value)s.", value=text))
    return found


def normalise_ethnicity(value) -> str | None:
    text = _key(str(value or ""))
    if not text:
        return None
    for name in ethnicities():
        # 汉 and 汉族 are the same; so are 维吾尔 and 维吾尔族.
        if text in (_key(name), _key(name).removesuffix("族")):
            return name
    raise ValueError(_("%(value)s is not one of the 56 recognised ethnic groups; write e.g. 汉族 or 回族.",
                       value=str(value).strip()))


def normalise_education(value) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    found = _from_vocabulary(text, education_levels())
    if found is None:
        raise ValueError(_("Unknown education level %(value)s; use one of: %(choices)s.",
                           value=text, choices="、".join(education_levels())))
    return found


def normalise_job_category(value) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    found = _from_vocabulary(text, job_categories())
    if found is None:
        raise ValueError(_("Unknown job category %(value)s; use one of: %(choices)s.",
                           value=text, choices="、".join(job_categories())))
    return found


def normalise_department(value) -> str | None:
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    if not text:
        return None
    if len(text) > MAX_DEPARTMENT:
        raise ValueError(_("The work unit and post is longer than %(count)d characters.", count=MAX_DEPARTMENT))
    return text


# --- dates as registers write them ------------------------------------------------------------

@dataclass(frozen=True)
class RegisterDate:
    """A date from a register; `precision` "month" when only the year and month were written (→ the 1st)."""

    day: date
    precision: str = "day"

    def register_text(self) -> str:
        """As registers write it: 2023.05 or 2023.05.08."""
        return f"{self.day:%Y.%m}" if self.precision == "month" else f"{self.day:%Y.%m.%d}"


# 2023.05, 2023-5-8, 2023/05/08, 2023年5月8日, 2023年5月 (after NFKC: full-width digits and dots are plain).
_SEPARATED = re.compile(r"^(\d{4})\s*[-/.,年]\s*(\d{1,2})\s*(?:[-/.,月]\s*(?:(\d{1,2})\s*日?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")  # 20230508, 202305


def parse_register_date(value, *, today: date | None = None) -> RegisterDate | None:
    """A date in any form registers use, or None when empty; ValueError (message for people) otherwise.

    A number typed into Excel as 2023.1 means October (Excel drops the trailing zero), so a float is
    read with two decimals.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        found = RegisterDate(value.date())
    elif isinstance(value, date):
        found = RegisterDate(value)
    else:
        text = f"{value:.2f}" if isinstance(value, float) else str(value)
        text = unicodedata.normalize("NFKC", text).strip().removeprefix("'")
        if not text:
            return None
        match = _SEPARATED.match(text) or _COMPACT.match(text)
        if not match:
            raise ValueError(_("%(value)s is not a date; write e.g. 2023.05.08, 2023-5-8, 2023年5月8日 or 2023.05.",
                               value=str(value).strip()))
        year, month = int(match[1]), int(match[2])
        try:
            found = RegisterDate(date(year, month, int(match[3])) if match[3] else date(year, month, 1),
                                 "day" if match[3] else "month")
        except ValueError:
            raise ValueError(_("%(value)s is not a valid date (no such month or day).", value=str(value).strip())) from None
    today = today or clock.today()
    if found.day > today:
        raise ValueError(_("The date %(value)s is in the future.", value=found.register_text()))
    if found.day.year < 1900:
        raise ValueError(_("The date %(value)s is before 1900.", value=found.register_text()))
    return found


def birth_date_text(user) -> str:
    """The person's birth date as the register writes it (year-month when only that is known)."""
    if user.birth_date is None:
        return ""
    return RegisterDate(user.birth_date, user.birth_date_precision or "day").register_text()
