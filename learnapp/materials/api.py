"""JSON API of the reading page's script: start a reading session, heartbeats, close.

CSRF-protected like every POST (header X-CSRFToken). Every refusal answers JSON
{"ok": false, "error": <code>, "message": <text in the user's language>} with a fitting status.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from learnapp.accounts.caller import Caller, with_caller
from learnapp.db import compare_and_set, db
from learnapp.errors import Refused, save_or_raise
from learnapp.materials import reading
from learnapp.materials.blueprint import bp
from learnapp.materials.models import Material
from learnapp.materials.reading import HeartbeatRefused
from learnapp.materials.reading.arithmetic import WatchReport


def _sign_in_messages() -> dict[str, str]:
    return {
        "login_required": _("Please log in again; reading time is not being counted."),
        "password_change_required": _("Please change your password first; reading time is not being counted."),
    }


@bp.errorhandler(Refused)
def _refused(exc: Refused):
    """Every refusal of the reading API (accounts.caller's sign-in refusals, HeartbeatRefused),
    raised after its transaction was rolled back (errors.save_or_raise) or before it began."""
    message = _sign_in_messages().get(exc.code) or exc.messages[0]
    return jsonify({"ok": False, "error": exc.code, "message": message}), exc.status


def _payload() -> dict:
    """The JSON body (the page's script) or form fields (plain clients and tests)."""
    data = request.get_json(silent=True)
    if isinstance(data, dict):
        return data
    return request.form.to_dict()


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def _moment(value) -> datetime | None:
    """An ISO 8601 moment with a time zone (the page sends server-clock time), or None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


# The largest position a page may report (seconds): the stored milliseconds fit an integer column.
MAX_POSITION_SECONDS = 1_000_000


def _seconds(value) -> float | None:
    """A player's position or rate as sent by the page: a finite number, 0 … MAX_POSITION_SECONDS."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if 0 <= number <= MAX_POSITION_SECONDS else None


def _position_ms(data: dict) -> int | None:
    position = _seconds(data.get("position"))
    return None if position is None else round(position * 1000)


def _watch_report(data: dict) -> WatchReport | None:
    """The player's report with a beat of a video or audio (None: the beat has none)."""
    if data.get("position") is None:
        return None
    position, rate = _seconds(data.get("position")), _seconds(data.get("rate", 1.0))
    if position is None or rate is None:
        raise HeartbeatRefused("bad_request", _("The player's position is not readable."), 400)
    return WatchReport(position=position, playing=data.get("playing") is True, visible=data.get("visible") is True,
                       muted=data.get("muted") is True, rate=rate)


def _session_json(session) -> dict:
    return {
        "ok": True,
        "session": session.id,
        "heartbeat_url": url_for("materials.api_heartbeat", session_id=session.id),
        "close_url": url_for("materials.api_close", session_id=session.id),
        "interval": reading.timing().heartbeat,
    }


@bp.post("/api/reading/sessions")
@with_caller
def api_start(caller: Caller):
    """Start counting for one material; any other open session of the person stops earning."""
    material_id = _int(_payload().get("material_id"))
    material = db.session.get(Material, material_id) if material_id else None
    position_ms = _position_ms(_payload())
    session = save_or_raise(lambda: reading.start_session(caller.actor, material, position_ms))
    return jsonify(_session_json(session)), 201


@bp.post("/api/reading/sessions/<int:session_id>/heartbeat")
@compare_and_set  # a beat's usual write is one statement (reading.store.BeatWriter)
@with_caller(claim_checked_by_first_read=True)  # the beat's first read checks the sign-in
def api_heartbeat(caller: Caller, session_id: int):
    data = _payload()
    seq = _int(data.get("seq"))
    if seq is None or seq < 1:
        raise HeartbeatRefused("bad_request", _("The heartbeat needs a sequence number."), 400)
    sent_at = None
    if data.get("at") is not None:
        sent_at = _moment(data.get("at"))
        if sent_at is None:
            raise HeartbeatRefused("bad_request", _("The heartbeat's time is not readable."), 400)
        sent_at = sent_at.astimezone(UTC)
    watch = _watch_report(data)
    # The answer is taken before the commit: afterwards every loaded row would be read again
    # (the commit expires them), in a second write transaction on SQLite.
    return jsonify(save_or_raise(lambda: reading.heartbeat(caller, session_id, seq, sent_at, watch).as_json()))


@bp.post("/api/reading/sessions/<int:session_id>/close")
@with_caller
def api_close(caller: Caller, session_id: int):
    position_ms = _position_ms(_payload())
    save_or_raise(lambda: reading.close_session(caller.actor, session_id, position_ms))
    return jsonify({"ok": True})
