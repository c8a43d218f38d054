"""People with a development history for the page tests: dated steps as a register would give them."""

from __future__ import annotations

import itertools
from datetime import date

from learnapp.accounts import services as accounts
from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.security import SYSTEM
from tests.helpers.factories import PASSWORD

_serial = itertools.count(1)

# An applicant of January 2025, talked to, recommended and determined as activist in March 2025.
ACTIVIST_HISTORY = [
    ("application_talk", date(2025, 1, 20), None),
    ("activist_recommended", date(2025, 2, 1), {"method": "party_member"}),
    ("activist_determined", date(2025, 3, 1), None),
]


def person_with_history(branch, history=ACTIVIST_HISTORY, *, login_id: str | None = None, name: str | None = None):
    """A person who applied on 2025-01-05, with the given steps recorded as history."""
    n = next(_serial)
    user, _password = accounts.create_user(SYSTEM, login_id=login_id or f"dev{n}", name=name or f"发展对象{n}",
                                           branch=branch, stage=Stage.applicant, stage_since=date(2025, 1, 5),
                                           password=PASSWORD, audit_entry=False, known_password=True)
    user.must_change_password = False
    for code, day, data in history:
        record_history(SYSTEM, user, code, day, data=data, audit_entry=False)
    db.session.flush()
    return user


def png_bytes() -> bytes:
    """The smallest PNG the evidence check accepts (the signature is what it looks at)."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
