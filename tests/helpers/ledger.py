"""Small builders for ledger tests: evidence bytes, schedules, claims."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date, time

from learnapp.ledger import claims
from learnapp.ledger.schedule import make_schedule


def png_bytes() -> bytes:
    """A 1×1 red PNG, written by hand (no image library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def sched(day=date(2026, 6, 10), start=time(9, 0), end=time(11, 0), end_date=None):
    return make_schedule(day, start, end, end_date)


def submit(user, *, category="red_education_visit", day=date(2026, 6, 10), start=time(9, 0), end=time(11, 0),
           end_date=None, title="参观革命历史纪念馆"):
    return claims.submit_claim(user, category=category, title=title, schedule=sched(day, start, end, end_date),
                               description="带队参观", files=[("photo.png", io.BytesIO(png_bytes()))])


# The day of the tests' lecture: the fixed clock's day (2026-06-15).
LECTURE_DAY = date(2026, 6, 15)
