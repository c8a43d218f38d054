"""Facts looked up once per request and kept on `flask.g` (the actor's roles, the year's rules).

    paths = request_memo.remember("role_paths", user.id, lambda: load(user))

Inside a request the first call computes the value and later calls with the same name and key
return it; outside a request (CLI, tests calling services directly) it is computed every time,
unless the code runs inside `with request_memo.scope():` (the demo's simulated reading, which
runs the heartbeat thousands of times in one command).
A memo is dropped as soon as the session flushes a change to a model it depends on (declared with
`depends_on`) and on every rollback, so a request never sees a fact it has just changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_G_KEY = "_learnapp_memo"
_SCOPE_KEY = "_learnapp_memo_scope"
_depends: dict[str, tuple[type, ...]] = {}


def depends_on(name: str, *models: type) -> None:
    """Drop the memo `name` whenever an instance of one of `models` is flushed (added, changed, deleted)."""
    _depends[name] = tuple(dict.fromkeys(_depends.get(name, ()) + models))


def _active() -> bool:
    return has_request_context() or (has_app_context() and bool(g.get(_SCOPE_KEY)))


@contextmanager
def scope() -> Iterator[None]:
    """Remember facts in the block outside a request too, as a request does (a flushed change to a
    model a memo depends on drops it, and so does a rollback); everything is forgotten when the
    block ends. Inside a request, or inside another scope, it changes nothing."""
    if _active():
        yield
        return
    g.setdefault(_SCOPE_KEY, True)
    try:
        yield
    finally:
        g.pop(_SCOPE_KEY, None)
        g.pop(_G_KEY, None)


def remember(name: str, key, compute: Callable[[], T]) -> T:
    if not _active():
        return compute()
    try:
        memos = g._learnapp_memo
    except AttributeError:
        memos = g._learnapp_memo = {}
    store = memos.get(name)
    if store is None:
        store = memos[name] = {}
    if key not in store:
        store[key] = compute()
    return store[key]


def forget(name: str | None = None) -> None:
    """Drop one memo (or all) of the current request."""
    if not _active() or _G_KEY not in g:
        return
    if name is None:
        g.pop(_G_KEY)
    else:
        g.get(_G_KEY).pop(name, None)


@event.listens_for(Session, "after_flush")
def _forget_changed(session, flush_context) -> None:
    if not _active() or _G_KEY not in g:
        return
    touched = tuple({type(obj) for obj in (*session.new, *session.dirty, *session.deleted)})
    for name, models in _depends.items():
        if any(issubclass(t, models) for t in touched):
            forget(name)


@event.listens_for(Session, "after_soft_rollback")
def _forget_all(session, previous_transaction) -> None:
    forget()
