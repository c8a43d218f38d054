"""What a video or audio material's page needs besides the reading page's facts: the file it
plays and measures, its subtitles, where the person stopped, and the watching script's messages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps

from learnapp.i18n import per_catalog
from learnapp.materials.credit import is_watched
from learnapp.materials.reading import store, watching


def _watch_messages():
    """The watching script's messages as a JSON block, made once per catalog."""
    return per_catalog("materials.watch_messages", lambda: htmlsafe_json_dumps({
        "counting": _("Counting: watching time is being recorded."),
        "paused": _("Paused: time counts only while the media plays and this page is visible."),
        "superseded": _("Watching time is now counted for the material you opened last (in another tab or window)."),
        "capped": _("Today’s limit for online study hours is reached; watching time still shows, but earns no more "
                    "credit today."),
        "completed": _("Completed: the full credit for this material is earned."),
        "error": _("Watching time could not be recorded. Check your connection; reload the page to try again."),
        "skipped": _("You skipped ahead: the part you skipped earns nothing."),
        "sought": _("Counting resumes from the new position."),
        "too_fast": _("Playback faster than the allowed speed counts only real time."),
        "muted": _("Muted playback does not count."),
        "resumed": _("Resumed where you stopped last time."),
    }))


def watch_page(material, attachments: list) -> dict:
    """The template's values for a watched material: `player` (the attachment it plays, None for
    every other material), `subtitles`, `resume` (seconds) and the script's messages."""
    player = next((a for a in attachments if a.media is not None), None) if is_watched(material) else None
    if player is None:
        return {"player": None, "subtitles": [], "resume": 0, "watch_messages": None}
    rules = watching.watch_rules(material.kind)
    position_ms = store.last_position_ms(current_user.id, material.id) or 0
    resume = position_ms / 1000 if position_ms / 1000 < material.media_seconds - 3 else 0
    return {"player": player, "subtitles": [a for a in attachments if a.is_subtitles], "resume": resume,
            "watch_messages": _watch_messages(), "watch_rate": f"{rules.max_rate:g}",
            "watch_percent": round(rules.share * 100)}
