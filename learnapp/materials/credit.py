"""What a material is worth: its credit in a year by the year's rules, and its ledger category."""

from __future__ import annotations

from learnapp.ledger.models import Category
from learnapp.ledger.rules import YearRules, rules_for_year
from learnapp.materials.models import MaterialKind


def material_credit(year: int, minutes: int, kind: MaterialKind | str, *, rules: YearRules | None = None) -> int:
    """Hundredths of a 学时 a material of this length earns in the year (0 when it is not timed).
    `rules`: the year's rules when the caller has them already (e.g. for a whole list)."""
    kind = MaterialKind(kind)
    if not kind.is_timed:
        return 0
    return int((rules or rules_for_year(year)).item_credit(int(minutes), category_for(kind)))


def category_for(kind: MaterialKind) -> Category:
    """Video and audio count as online video, everything else as online reading."""
    return Category.online_video if kind.is_media else Category.online_reading


def is_watched(material) -> bool:
    """Whether the material's credit is earned by watching (video or audio with a file whose
    duration is known) rather than by reading time; a Material or a reading.rows.TimedMaterial."""
    return MaterialKind(material.kind).is_media and bool(getattr(material, "media_seconds", None))


def credit_minutes(material) -> int:
    """The length that picks the material's band in the year's rules: a watched material's real
    duration (whole minutes), else its estimated reading time."""
    if is_watched(material):
        return int(material.media_seconds) // 60
    return int(material.estimated_minutes)
