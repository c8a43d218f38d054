"""Measured reading time and how it becomes ledger credit: the reading heartbeat.

The rule (documented for learners on the reading page and in the README):

1. Opening a material's page starts a reading session (a POST from the page's script; a GET never
   writes). Starting one closes every other open session of the person: the newest session wins,
   so ten open tabs earn no more than one.
2. While the reader is active (tab visible, input within the last minute or media playing) the page
   sends a heartbeat every HEARTBEAT_SECONDS. For each accepted heartbeat the server credits the
   real time elapsed since the previous accepted one, by its own clock, at most HEARTBEAT_SECONDS +
   READING_TOLERANCE_SECONDS; when more than READING_IDLE_SECONDS passed nothing is credited (the
   reader was away) and counting restarts from this heartbeat.
3. Credited time is booked on the local day it happened (a heartbeat just after midnight splits
   between the two days, and between two training years on 1 January).
4. A material earns at most what the year's rules give for its length
   (`materials.credit.material_credit`), in proportion to the counted time: the full credit once
   the counted time reaches the estimated length. Credit goes to the ledger in steps of 0.25 学时
   (and the remainder at completion), each step one ledger entry with the dedupe key
   `read:<user>:<material>:<year>:<cumulative hundredths>`, so the database itself refuses a
   second grant of the same step. The material is completed when its full credit is granted.
5. Online credit per local day is capped by `rules.daily_online_cap`, less what the ledger already
   holds for that day (`ledger.queries.online_credit_on`). Time read while the day's cap is used up
   does not count, and time that a cap cut short does not carry over to another day.
6. External links (kind "link") are not timed: reading on another site cannot be measured.

Modules: `arithmetic` (the rules above as pure functions), `rows` and `store` (the statements;
every write of a beat goes through its `store.BeatWriter`, the session's compare-and-set first),
`beat` (the entry points, re-exported here: `heartbeat`, `start_session`, `close_session`,
`timing`). The JSON views are in materials/api.py; accounts.caller checks who calls.
"""

from learnapp.materials.reading.beat import (
    BeatResult,
    HeartbeatRefused,
    close_session,
    heartbeat,
    start_session,
    timing,
)

__all__ = ["BeatResult", "HeartbeatRefused", "close_session", "heartbeat", "start_session", "timing"]
