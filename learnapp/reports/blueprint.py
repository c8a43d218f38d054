"""The reports blueprint and the request parameters its pages share (year, stage, status, branch)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, request

from learnapp import clock
from learnapp.accounts.models import Stage
from learnapp.assessments.queries import parse_year
from learnapp.assessments.status import Status
from learnapp.org.models import Branch
from learnapp.reports.rollup import Filters
from learnapp.security import get_visible_branch_or_404

bp = Blueprint("reports", __name__, url_prefix="/reports")


@dataclass
class Params:
    year: int
    stage: Stage | None
    status: Status | None
    branch: Branch | None

    @property
    def filters(self) -> Filters:
        return Filters(year=self.year, today=clock.today(), stage=self.stage, status=self.status)

    def args(self, **extra) -> dict:
        """The query string that keeps these filters on a link."""
        values = {"year": self.year, "stage": self.stage.value if self.stage else None,
                  "status": self.status.value if self.status else None}
        values.update(extra)
        return {k: v for k, v in values.items() if v not in (None, "")}


def _enum_arg(cls, name: str):
    raw = request.values.get(name) or None
    if raw is None:
        return None
    try:
        return cls(raw)
    except ValueError:
        abort(400)


def params(actor, *, branch_id: int | None = None) -> Params:
    """Filters from the query string; a branch outside the actor's scope answers 404."""
    raw_branch = branch_id if branch_id is not None else request.values.get("branch", type=int)
    branch = get_visible_branch_or_404(actor, raw_branch) if raw_branch else None
    return Params(year=parse_year(request.values.get("year"), clock.today().year), stage=_enum_arg(Stage, "stage"),
                  status=_enum_arg(Status, "status"), branch=branch)
