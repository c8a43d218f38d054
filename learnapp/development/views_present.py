"""How a development step reads on a page: its facts, its status, and what the reader may see.

Pure presentation over the engine's objects; the confidential parts (see views_access) are left
out here, in one place, for the person and their contacts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from learnapp.accounts import queries as accounts_queries
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.development.views_access import Access

# Steps the person records about themselves: their own note and files are theirs to read.
OWN_STEPS = {"application", "full_membership_application"}
# Steps whose facts are confidential to the person and their contacts (政审).
CONFIDENTIAL_STEPS = {"political_review"}

METHOD_LABELS = {
    "party_member": _l("Recommended by Party members"),
    "mass_organisation": _l("Recommended by a mass organisation (推优)"),
}
SOURCE_LABELS = {
    "register": _l("taken over from the register"),
    "migration": _l("taken over from the earlier stage history"),
}


@dataclass
class StepView:
    """One done step as the page shows it to this reader."""

    step: DevelopmentStep
    label: str
    status: str           # css/badge key: recorded | submitted | accepted | returned
    status_text: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    note: str | None = None
    attachments: list = field(default_factory=list)
    exception_reason: str | None = None
    decision_note: str | None = None
    source: str | None = None
    recorded_by: str | None = None


def _names(ids) -> str:
    ids = [int(i) for i in ids or () if str(i).isdigit()]
    if not ids:
        return ""
    found = accounts_queries.names_by_id(ids)
    return "、".join(found.get(i, "?") for i in ids)


def _facts(step: DevelopmentStep, access: Access) -> list[tuple[str, str]]:
    data = step.data or {}
    facts: list[tuple[str, str]] = []
    if "method" in data:
        facts.append((_("Recommendation"), str(METHOD_LABELS.get(data["method"], data["method"]))))
    if "votes_for" in data:
        facts.append((_("Vote"), _("%(for)s for, %(against)s against, %(abstain)s abstaining; %(present)s present of %(entitled)s",
                                    **{"for": data.get("votes_for"), "against": data.get("votes_against"),
                                       "abstain": data.get("abstentions"), "present": data.get("members_present"),
                                       "entitled": data.get("members_entitled")})))
    if data.get("introducer_ids"):
        facts.append((_("Introducers"), _names(data["introducer_ids"])))
    if data.get("contact_ids"):
        facts.append((_("Training contacts"), _names(data["contact_ids"])))
    if "months" in data:
        facts.append((_("Probation extended by"), _("%(n)s months", n=data["months"])))
    if "conclusion" in data and access.administers:
        facts.append((_("Conclusion"), _("Qualified") if data["conclusion"] == "qualified" else _("Not qualified")))
    return facts


def _status(step: DevelopmentStep, full: bool) -> tuple[str, str]:
    status = StepStatus(step.status)
    if status == StepStatus.submitted:
        return "submitted", _("Waiting for the committee")
    if status == StepStatus.accepted:
        return "accepted", _("Accepted by the committee")
    if status == StepStatus.returned:
        return "returned", (_("Returned by the committee") if full else _("Being prepared again by the branch"))
    return "recorded", _("Recorded")


def present(step: DevelopmentStep, label: str, access: Access) -> StepView:
    """The step with what this reader may see of it."""
    key, text = _status(step, access.full)
    view = StepView(step=step, label=label, status=key, status_text=text, facts=_facts(step, access),
                    source=str(SOURCE_LABELS[step.source]) if step.source in SOURCE_LABELS else None)
    own = step.code in OWN_STEPS
    if access.full or own:
        view.note = step.note
        view.attachments = list(step.attachments)
        view.recorded_by = step.recorded_by.name if step.recorded_by else None
    if access.full:
        view.exception_reason = step.exception_reason
        view.decision_note = step.decision_note
    if step.code in CONFIDENTIAL_STEPS and not access.administers:
        # Auditors read the 政审 itself in its dossier, where every read is audited.
        view.note, view.attachments, view.facts = None, [], []
    return view
