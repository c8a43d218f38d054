"""Watching video and audio through the reading heartbeat: the settings of the watching rules
(`arithmetic.judge_watch`) from the configuration, and what a media material's crediting needs.

A media material with a file of known duration (`credit.is_watched`) earns by watching: each beat
reports the player's position, playing, visible, muted and rate (`arithmetic.WatchReport`), and
credits the media seconds the rules allow; the full credit (the year's `online_video` band for the
real duration, `credit.credit_minutes`) once the watched seconds reach MEDIA_WATCH_SHARE of it.
Every other material earns by reading time as before.
"""

from __future__ import annotations

from flask import current_app

from learnapp.materials.credit import is_watched
from learnapp.materials.models import MaterialKind
from learnapp.materials.reading import arithmetic


def watch_rules(kind: MaterialKind | str) -> arithmetic.WatchRules:
    """The watching rules for a material of this kind (muted audio never counts)."""
    config = current_app.config
    return arithmetic.WatchRules(
        max_rate=float(config.get("MEDIA_MAX_RATE", 1.5)),
        tolerance=float(config.get("MEDIA_POSITION_TOLERANCE_SECONDS", 2.0)),
        muted_counts=bool(config.get("MEDIA_MUTED_COUNTS", True)) and MaterialKind(kind) is MaterialKind.video,
        share=float(config.get("MEDIA_WATCH_SHARE", 0.9)),
    )


def need_seconds(material) -> int:
    """The counted seconds that earn the material's full credit: the rules' share of a watched
    material's duration, else its estimated reading time."""
    if is_watched(material):
        return arithmetic.need_watch_seconds(material.media_seconds, watch_rules(material.kind).share)
    return arithmetic.need_seconds(material.estimated_minutes)


def judge(material, clock_seconds: int, last_position_ms: int | None,
          report: arithmetic.WatchReport | None) -> arithmetic.Watched:
    """The watched beat's credit; a beat without a report (an old page) credits nothing and
    keeps the position."""
    last = None if last_position_ms is None else last_position_ms / 1000
    if report is None:
        return arithmetic.Watched(0, arithmetic.NOT_PLAYING, last or 0.0)
    return arithmetic.judge_watch(clock_seconds, last, report, watch_rules(material.kind))
