"""`flask --app learnapp users ...`: create an admin, import a roster."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from learnapp.accounts.permissions import SYSTEM
from learnapp.db import db
from learnapp.errors import DomainError

users_cli = click.Group("users", help="People and accounts.")


@users_cli.command("create-admin")
@click.option("--login-id", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--committee", "committee_name", default=None, help="Name of the committee (created if the tree is empty).")
@with_appcontext
def create_admin(login_id: str, name: str, password: str, committee_name: str | None) -> None:
    """Create a committee admin (and the committee itself on an empty database)."""
    from learnapp import audit
    from learnapp.accounts import services
    from learnapp.accounts.models import Role, RoleGrant, Stage
    from learnapp.org import queries as org_queries
    from learnapp.org.models import Branch, BranchKind

    try:
        root = org_queries.committee()
        if root is None:
            root = Branch(name=committee_name or "党委", kind=BranchKind.committee, path="")
            db.session.add(root)
            db.session.flush()
            root.path = f"/{root.id}/"
            audit.record(SYSTEM, "branch.create", root, branch=root, summary=root.name, after={"name": root.name})
        user, _generated = services.create_user(SYSTEM, login_id=login_id, name=name, branch=root,
                                                 stage=Stage.full_member, password=password)
        user.must_change_password = False
        db.session.add(RoleGrant(user=user, role=Role.committee_admin, branch=root))
        audit.record(SYSTEM, "role.grant", user, branch=root, summary=f"{name}: committee_admin", after={"role": "committee_admin"})
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        for field, message in exc.reasons:
            click.echo(f"error: {field or ''} {message}".replace("  ", " "), err=True)
        sys.exit(1)
    click.echo(f"committee admin {login_id} created")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--update-existing", is_flag=True, help="Update people whose login ID already exists.")
@click.option("--as", "actor_login", default=None, help="Login ID of the admin recorded as the importer.")
@click.option("--check", "check_only", is_flag=True, help="Only check the file and say what would change.")
@with_appcontext
def import_roster(file: Path, update_existing: bool, actor_login: str | None, check_only: bool) -> None:
    """Import a roster or register (名册; XLSX or CSV, UTF-8 or GBK): all rows or none."""
    from sqlalchemy import select

    from learnapp.accounts.models import User
    from learnapp.accounts.roster import RosterError, import_roster_file

    actor = SYSTEM
    if actor_login:
        actor = db.session.scalar(select(User).where(User.login_id == actor_login))
        if actor is None:
            click.echo(f"error: unknown login ID {actor_login}", err=True)
            sys.exit(1)
    try:
        result = import_roster_file(actor, file.name, file.read_bytes(), update_existing=update_existing,
                                    check_only=check_only)
        db.session.commit()
    except RosterError as exc:
        db.session.rollback()
        for warning in exc.warnings:
            click.echo(f"warning: {warning}", err=True)
        for problem in exc.problems:
            click.echo(f"{file.name}:{problem.row}: {problem.column or ''} {problem.message}".replace("  ", " "), err=True)
        click.echo(f"nothing imported: {len(exc.problems)} problem(s)", err=True)
        sys.exit(1)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if check_only:
        click.echo(f"checked, nothing saved: would create {result.created}, update {result.updated}")
        return
    click.echo(f"created {result.created}, updated {result.updated}")
    for login_id, password in result.passwords.items():
        click.echo(f"  {login_id}\t{password}")
