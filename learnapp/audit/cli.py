"""`flask --app learnapp audit verify`: check the hash chain of the audit log."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

audit_cli = click.Group("audit", help="The audit log.")


@audit_cli.command("verify")
@with_appcontext
def verify() -> None:
    """Report the first broken link of the audit chain, if any (exit 1 when broken)."""
    from learnapp.audit.services import verify_chain

    report = verify_chain()
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} entries")
        return
    click.echo(f"audit chain BROKEN at entry {report.broken_at}: {report.problem} ({report.checked} entries before it verified)", err=True)
    sys.exit(1)
