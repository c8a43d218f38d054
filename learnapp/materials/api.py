"""JSON API of the reading page's script: start a reading session, heartbeats, close.

CSRF-protected like every POST (header X-CSRFToken). Every refusal answers JSON
{"ok": false, "error": <code>, "message": <text in the user's language>} with a fitting status.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp.accounts.sessions import checks_sign_in_itself, claimed_sign_in
from learnapp.db import autocommit_until_needed, db
from learnapp.materials import crediting
from learnapp.materials.blueprint import bp
from learnapp.materials.models import Material


def _refuse(code: str, message: str, status: int):
    return jsonify({"ok": False, "error": code, "message": message}), status


def _signed_in():
    if not current_user.is_authenticated:
        return _refuse("login_required", _("Please log in again; reading time is not being counted."), 401)
    if current_user.must_change_password:  # the heartbeat checks this itself (checks_sign_in_itself)
        return _refuse("password_change_required", _("Please change your password first; reading time is not being counted."), 403)
    return None


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


def _session_json(session) -> dict:
    return {
        "ok": True,
        "session": session.id,
        "heartbeat_url": url_for("materials.api_heartbeat", session_id=session.id),
        "close_url": url_for("materials.api_close", session_id=session.id),
        "interval": crediting.heartbeat_seconds(),
    }


@bp.post("/api/reading/sessions")
def api_start():
    """Start counting for one material; any other open session of the person stops earning."""
    refused = _signed_in()
    if refused:
        return refused
    material_id = _int(_payload().get("material_id"))
    material = db.session.get(Material, material_id) if material_id else None
    try:
        session = crediting.start_session(current_user, material)
    except crediting.HeartbeatRefused as exc:
        db.session.rollback()
        return _refuse(exc.code, exc.messages[0], exc.status)
    db.session.commit()
    return jsonify(_session_json(session)), 201


@bp.post("/api/reading/sessions/<int:session_id>/heartbeat")
@autocommit_until_needed  # a beat's usual write is one statement (crediting._BeatWrite)
@checks_sign_in_itself  # the beat's read checks the session cookie's claim (crediting.heartbeat_of_claim)
def api_heartbeat(session_id: int):
    # Every way out checks the sign-in (`_signed_in`, or the beat's own read of the cookie's claim).
    data = _payload()
    seq = _int(data.get("seq"))
    if seq is None or seq < 1:
        return _signed_in() or _refuse("bad_request", _("The heartbeat needs a sequence number."), 400)
    at = None
    if data.get("at") is not None:
        at = _moment(data.get("at"))
        if at is None:
            return _signed_in() or _refuse("bad_request", _("The heartbeat's time is not readable."), 400)
        at = at.astimezone(UTC)
    claim = claimed_sign_in()
    try:
        beat = crediting.heartbeat_of_claim(claim, session_id, seq, at) if claim is not None else None
        if beat is None:  # no claim, or one the beat could not settle: the person is read as usual
            refused = _signed_in()
            if refused:
                return refused
            beat = crediting.heartbeat(current_user, session_id, seq, at)
        answer = beat.as_json()
    except crediting.HeartbeatRefused as exc:
        db.session.rollback()
        return _refuse(exc.code, exc.messages[0], exc.status)
    # The answer is taken before the commit: afterwards every loaded row would be read again
    # (the commit expires them), in a second write transaction on SQLite.
    db.session.commit()
    return jsonify(answer)


@bp.post("/api/reading/sessions/<int:session_id>/close")
def api_close(session_id: int):
    refused = _signed_in()
    if refused:
        return refused
    try:
        crediting.close_session(current_user, session_id)
    except crediting.HeartbeatRefused as exc:
        db.session.rollback()
        return _refuse(exc.code, exc.messages[0], exc.status)
    db.session.commit()
    return jsonify({"ok": True})
