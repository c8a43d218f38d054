"""Links to claim evidence, served by the ledger's permission-checked evidence view."""

from __future__ import annotations

from flask import current_app, url_for
from werkzeug.routing import BuildError

# The ledger domain owns the evidence files and the view that checks who may open them.
EVIDENCE_ENDPOINTS = (("ledger.evidence", "evidence_id"), ("ledger.claim_evidence", "evidence_id"))


def evidence_url(evidence) -> str | None:
    """The URL of the ledger's view of one evidence file, or None while it has none."""
    for endpoint, arg in EVIDENCE_ENDPOINTS:
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, **{arg: evidence.id})
            except BuildError:
                continue
    return None
