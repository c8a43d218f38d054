"""The Party-member development procedure (发展党员): rules, each person's steps, guards, timeline."""

from __future__ import annotations


def init_app(app) -> None:
    """Plug the procedure into the app: the accounts domain records stages through its steps."""
    from learnapp.accounts import stage_history
    from learnapp.development.history import record_stage, stage_since

    stage_history.register(record_stage, stage_since)
