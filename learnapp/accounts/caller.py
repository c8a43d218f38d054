"""Who calls a JSON endpoint, verified before the view can answer anything.

`@with_caller` gives the view a `Caller` as its first argument; no way out of the view skips the
check, because the check is made around it:

- usually the signed-in person is read as on any page (`current_user`) before the view runs; a
  person who is not signed in, or whose password change is pending, is refused
  (`SignInRefused`, code `login_required` 401 or `password_change_required` 403);
- `@with_caller(claim_checked_by_first_read=True)`, for the hottest request (the reading
  heartbeat), saves that statement: the view's first statement checks the session cookie's claim
  (`Caller.first_row` with a `ClaimCheckedStatement`, which joins the person's row and keeps the
  facts read with every person). The caller is then a `Claimant`, who knows only their id. When
  the claim does not hold, or the view asks the claimant anything else about the person (roles,
  for `can_see_material` of a draft), `PersonNeeded` is raised and the view runs again with the
  person read as usual. A view that answers before its first statement (a bad request) gets the
  usual check after it, before its answer goes out.

The view must not write before its first statement, nor ask the claimant more after writing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask_login import current_user
from sqlalchemy import bindparam

from learnapp.accounts import sessions
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.errors import Refused


class SignInRefused(Refused):
    """Nobody is signed in (`login_required`, 401) or the person must change their password
    first (`password_change_required`, 403). The blueprint's handler words the message."""

    def __init__(self, code: str, status: int):
        super().__init__(code, code, status)


class PersonNeeded(Exception):
    """The view's run needs the person read as usual: the claim did not hold by the view's first
    statement, or the view asked the claimant more than their id. Raised before anything is written."""


class Claimant:
    """The person the session cookie names, verified by the view's first statement. Only `id` is
    known; any other attribute of a person raises `PersonNeeded`."""

    __slots__ = ("id",)
    is_authenticated = True
    is_anonymous = False

    def __init__(self, user_id: int):
        self.id = user_id

    def __getattr__(self, name: str):
        if name.startswith("__"):  # protocols probed by libraries (copy, templates): not the person
            raise AttributeError(name)
        raise PersonNeeded(name)


class ClaimCheckedStatement:
    """A view's first statement, in two variants built once (on first use, after every domain has
    registered what is read with the person): as written, and joined with the claimed person's
    row and the columns that tell whether the claim holds. `build()` gives the statement and its
    column holding the person's id (the claim must name that person)."""

    __slots__ = ("_build", "_plain", "_checked")

    def __init__(self, build: Callable):
        self._build = build
        self._plain = self._checked = None

    def plain(self):
        if self._plain is None:
            self._plain = self._build()[0]
        return self._plain

    def claim_checked(self):
        if self._checked is None:
            statement, user_id = self._build()
            users = User.__table__
            self._checked = (statement.join(users, users.c.id == user_id)
                             .add_columns(*sessions.sign_in_columns(users))
                             .where(user_id == bindparam("claimed_user_id")))
        return self._checked


class Caller:
    """Who calls the view: `actor` is the signed-in User, or a `Claimant` whose claim the view's
    first statement checks (`first_row`)."""

    __slots__ = ("actor", "_claim", "verified")

    def __init__(self, actor, claim: sessions.Claim | None = None):
        self.actor = actor
        self._claim = claim
        self.verified = claim is None

    @classmethod
    def person(cls, user) -> Caller:
        """A caller already known to be signed in (services, the demo loader, tests)."""
        return cls(user)

    def first_row(self, statement: ClaimCheckedStatement, params: dict):
        """The first row of the view's first statement, or None; for a claimant the statement
        checks the claim too (PersonNeeded when the claim does not hold or there is no row)."""
        if self._claim is None:
            return db.session.execute(statement.plain(), params).first()
        params = {**params, **sessions.sign_in_params(self._claim)}
        row = db.session.execute(statement.claim_checked(), params).first()
        if row is None or not sessions.accept_sign_in(row, params):
            raise PersonNeeded("sign-in")
        self.verified = True
        return row


def signed_in_person():
    """The signed-in person (read as on any page), or SignInRefused."""
    if not current_user.is_authenticated:
        raise SignInRefused("login_required", 401)
    if current_user.must_change_password:
        raise SignInRefused("password_change_required", 403)
    return current_user._get_current_object()


def with_caller(view=None, *, claim_checked_by_first_read: bool = False):
    """Call the view as `view(caller, **route_arguments)` for a signed-in caller only (see the
    module's docstring); refusals are raised as SignInRefused."""

    def decorate(view):
        @wraps(view)
        def run(*args, **kwargs):
            claim = sessions.claimed_sign_in() if claim_checked_by_first_read else None
            if claim is not None:
                caller = Caller(Claimant(claim.user_id), claim)
                try:
                    answer = view(caller, *args, **kwargs)
                except PersonNeeded:
                    pass  # nothing was written: run again with the person read
                except Exception:
                    if not caller.verified:
                        signed_in_person()  # refused before the view's own answer
                    raise
                else:
                    if not caller.verified:
                        signed_in_person()
                    return answer
            return view(Caller(signed_in_person()), *args, **kwargs)

        if claim_checked_by_first_read:
            sessions.checks_sign_in_itself(run)
        return run

    return decorate(view) if view is not None else decorate
