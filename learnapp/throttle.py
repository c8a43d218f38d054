"""Rate-limit counters shared by every worker and kept across restarts: a table of the site's
database by default, Redis when `RATELIMIT_STORAGE` names one.

    limits = throttle.limits_of("5 per minute;20 per hour", "sign-in:login:alice")
    throttle.reached(limits)    # the limits whose window is already full
    throttle.hit(limits)        # count one more; the counts after it, limit by limit

Fixed windows: a counter starts at its first hit and ends `seconds` later. Why not Flask-Limiter's
storage: its counting happens in its own request hooks, outside the request's transaction, and
on SQLite a second connection writing while the request holds the database's single write lock
waits for that lock until it times out. Here the database counters are written in the request's
own transaction, by the code that decides (the sign-in), after the slow password check, so a row
lock is held only for the moment before the commit. Reading first and counting after the check
lets a few parallel requests past a full window (at most one per worker); the limits are far
above that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from limits import parse_many
from sqlalchemy import String, case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from learnapp import clock
from learnapp.db import UTCDateTime, db


class ThrottleCounter(db.Model):
    """One counter of the database store: how many hits in the window that ends at `window_ends_at`."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(nullable=False)
    window_ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)


@dataclass(frozen=True)
class Limit:
    """At most `amount` hits per `seconds` for the counter `key`."""

    key: str
    amount: int
    seconds: int

    @property
    def counter(self) -> str:
        # A counter per window length: "5 per minute;20 per hour" counts twice.
        return f"{self.key}|{self.seconds}"


def limits_of(spec: str, key: str) -> list[Limit]:
    """The limits of a `limits` notation string ("5 per minute;20 per hour") for one key."""
    return [Limit(key, item.amount, item.get_expiry()) for item in parse_many(spec)]


def enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def reached(limits: list[Limit]) -> list[Limit]:
    """The limits whose current window holds `amount` hits or more."""
    counts = _store().counts([limit.counter for limit in limits])
    return [limit for limit in limits if counts.get(limit.counter, 0) >= limit.amount]


def hit(limits: list[Limit]) -> dict[Limit, int]:
    """Count one hit on each limit's counter; the count of each after it."""
    counts = _store().hit([(limit.counter, limit.seconds) for limit in limits])
    return {limit: counts[limit.counter] for limit in limits}


def _store():
    config = current_app.config
    storage = str(config.get("RATELIMIT_STORAGE") or "database")
    if storage == "database":
        return DatabaseCounters()
    stores = current_app.extensions.setdefault("learnapp.throttle", {})
    if storage not in stores:
        stores[storage] = RedisCounters(storage, config.get("RATELIMIT_KEY_PREFIX") or "learnapp")
    return stores[storage]


class DatabaseCounters:
    """Counters in `throttle_counters`, written in the request's transaction (flushed, not committed)."""

    def counts(self, keys: list[str]) -> dict[str, int]:
        table = ThrottleCounter.__table__
        rows = db.session.execute(select(table.c.key, table.c.hits).where(
            table.c.key.in_(keys), table.c.window_ends_at > literal(clock.now(), UTCDateTime)))
        return {row.key: row.hits for row in rows}

    def hit(self, counters: list[tuple[str, int]]) -> dict[str, int]:
        table = ThrottleCounter.__table__
        now = clock.now()
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        result = {}
        for key, seconds in counters:
            insert = dialect.insert(table).values(key=key, hits=1, window_ends_at=now + timedelta(seconds=seconds))
            # One statement, atomic on both databases: a window that has ended starts again at 1.
            ended = table.c.window_ends_at <= literal(now, UTCDateTime)
            statement = insert.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={"hits": case((ended, 1), else_=table.c.hits + 1),
                      "window_ends_at": case((ended, insert.excluded.window_ends_at), else_=table.c.window_ends_at)},
            ).returning(table.c.hits)
            result[key] = db.session.execute(statement).scalar_one()
        # Counters of windows that ended a day ago mean nothing any more; keep the table small.
        db.session.execute(delete(table).where(table.c.window_ends_at < literal(now - timedelta(days=1), UTCDateTime)))
        return result


class RedisCounters:
    """Counters in Redis: a key per counter that expires with its window."""

    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = f"{prefix}:throttle:"

    def counts(self, keys: list[str]) -> dict[str, int]:
        values = self.client.mget([self.prefix + key for key in keys]) if keys else []
        return {key: int(value) for key, value in zip(keys, values, strict=True) if value is not None}

    def hit(self, counters: list[tuple[str, int]]) -> dict[str, int]:
        pipe = self.client.pipeline(transaction=True)
        for key, seconds in counters:
            pipe.set(self.prefix + key, 0, ex=seconds, nx=True)  # a new window, unless one runs
            pipe.incr(self.prefix + key)
        replies = pipe.execute()
        return {key: int(replies[2 * i + 1]) for i, (key, _seconds) in enumerate(counters)}
