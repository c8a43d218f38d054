"""`flask --app learnapp audit verify | checkpoint`: check the audit chain; sign its length and head."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

audit_cli = click.Group("audit", help="The audit log.")


@audit_cli.command("verify")
@click.option("--checkpoint", "checkpoint_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="An exported checkpoint kept off the server (may be given several times).")
@with_appcontext
def verify(checkpoint_files: tuple[Path, ...]) -> None:
    """Check the chain and every checkpoint; report the first problem (exit 1 when broken)."""
    from learnapp.audit.chain import CheckpointFileError, load_checkpoint, verify_chain

    try:
        extra = [load_checkpoint(path.read_text(encoding="utf-8"), source=str(path)) for path in checkpoint_files]
    except (OSError, CheckpointFileError) as exc:
        click.echo(f"cannot read the checkpoint: {exc}", err=True)
        sys.exit(2)
    report = verify_chain(extra)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} entries ({report.unkeyed} from before it was keyed), "
                   f"{report.checkpoints} checkpoint(s) hold")
        return
    click.echo(f"audit chain BROKEN at entry {report.broken_at}: {report.problem} "
               f"({report.checked} entries verified)", err=True)
    sys.exit(1)


@audit_cli.command("checkpoint")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, allow_dash=True),
              help="Also write the checkpoint to this file ('-': standard output) to keep off the server.")
@click.option("--reason", default="manual", show_default=True, help="Why, e.g. daily (from cron).")
@with_appcontext
def checkpoint(export_to: str | None, reason: str) -> None:
    """Sign the chain's length and head hash now (run it daily from cron, with --export)."""
    from learnapp.actors import SYSTEM
    from learnapp.audit.chain import export_checkpoint, write_checkpoint
    from learnapp.db import db

    written = write_checkpoint(SYSTEM, reason=reason)
    db.session.commit()
    text = export_checkpoint(written)
    if export_to == "-":
        click.echo(text, nl=False)
    elif export_to:
        Path(export_to).write_text(text, encoding="utf-8")
        click.echo(f"checkpoint of {written.entries} entries written to {export_to}", err=True)
    else:
        click.echo(f"checkpoint of {written.entries} entries, head {written.head_hash}")
