"""The register (名册) out of learnapp: each stage's register and the committee's 备案 list.

The import is accounts' roster import (accounts/roster*.py); it records the register's dates as
development steps through accounts.register_history, which this package connects to the
development procedure.
"""

from __future__ import annotations


def init_app(app) -> None:
    """The register pages; and the roster import's reading and recording of development steps
    (accounts does not import development)."""
    from learnapp import blueprints
    from learnapp.accounts import register_history
    from learnapp.register import steps, views

    blueprints.register(app, views.bp, views)
    register_history.install(steps)
