"""Every page and form of the notices blueprint, with who may use it (see tests/matrix.py)."""

from __future__ import annotations

from learnapp.db import db
from learnapp.notices import services
from tests.helpers.matrix import SIGNED_IN, Page


def pages(org) -> list[Page]:
    mine = services.notify(org.learner_a, "claim_rejected", {"title": "参观", "reason": "照片看不清"})
    other = services.notify(org.learner_c, "claim_rejected", {"title": "参观", "reason": "照片看不清"})
    db.session.flush()
    return [
        Page("notices.index", "/notices/", SIGNED_IN),
        Page("notices.read_all", "/notices/read-all", SIGNED_IN, method="POST"),
        Page("notices.read", f"/notices/{mine.id}/read", {"learner"}, method="POST", note="own"),
        Page("notices.read", f"/notices/{other.id}/read", frozenset(), method="POST", note="someone else's"),
    ]
