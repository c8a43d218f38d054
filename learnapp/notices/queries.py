"""Reading notices: the unread count (read with the signed-in person) and the pages of the list."""

from __future__ import annotations

from functools import cache

from flask import has_request_context
from sqlalchemy import bindparam, func, select

from learnapp import request_memo
from learnapp.accounts import sessions
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.notices.models import Notice
from learnapp.paging import PageInfo

PER_PAGE = 20

_NOTICES, _USERS = Notice.__table__, User.__table__
_UNREAD = _NOTICES.c.read_at.is_(None)
_UNREAD_OF = select(func.count()).where(_NOTICES.c.user_id == bindparam("notice_user_id"), _UNREAD)


def unread_column():
    """The signed-in person's unread notices: a scalar subquery correlated with the users table of
    the person's statement (accounts.sessions), on the index (user_id, read_at)."""
    return (select(func.count()).where(_NOTICES.c.user_id == _USERS.c.id, _UNREAD)
            .correlate(_USERS).scalar_subquery())


def _keep(params: dict, value) -> None:
    user_id = params.get("user_id")
    if user_id is not None and has_request_context():
        request_memo.remember("unread_notices", int(user_id), lambda: int(value or 0))


@cache
def register_unread_count_fact() -> None:
    """Every page shows the bell: its count comes with the person's own statement, not one of its
    own (registered from notices.init_app, once per process)."""
    sessions.register_person_fact("unread_notices", unread_column, dict, _keep)


request_memo.depends_on("unread_notices", Notice)


def unread_count(user) -> int:
    """The person's unread notices (read with the person's own statement when signed in)."""
    return request_memo.remember("unread_notices", user.id,
                                 lambda: int(db.session.scalar(_UNREAD_OF, {"notice_user_id": user.id}) or 0))


def page_of(user, page: int) -> tuple[list[Notice], PageInfo]:
    total = db.session.scalar(select(func.count()).select_from(Notice).where(Notice.user_id == user.id)) or 0
    info = PageInfo(page=max(1, min(page, -(-total // PER_PAGE) or 1)), total=total, per_page=PER_PAGE)
    rows = db.session.scalars(select(Notice).where(Notice.user_id == user.id)
                              .order_by(Notice.created_at.desc(), Notice.id.desc())
                              .offset((info.page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return list(rows), info


def own_notice(user, notice_id: int) -> Notice | None:
    notice = db.session.get(Notice, notice_id)
    return notice if notice is not None and notice.user_id == user.id else None
