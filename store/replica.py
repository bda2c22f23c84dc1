"""Which kind of server a store is on: a primary, or a hot standby replaying one, and how
far behind it is (PostgreSQL's own streaming replication; docs/operations.md).

Facts read from the server, never assumed: ``pg_is_in_recovery()`` says standby; the lag
is the time since the last transaction the standby replayed, or 0 when it has replayed
everything it received; the timeline says whether this server was ever promoted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from plantrail.store.errors import StandbyRefused
from plantrail.store.settings import PostgresURL


class ServerRole(NamedTuple):
    standby: bool
    lag_s: float | None  # seconds behind the primary (None: a primary, or nothing replayed yet)
    replayed_at: datetime | None  # the commit time of the last transaction the standby replayed
    timeline: int  # 1 until a standby is promoted; each promotion starts a new one
    where: str  # host:port (or the file), for messages


# The lag: 0 while the standby streams and has replayed all it received; else the time
# since the last transaction it replayed (a standby cut off from its primary cannot know
# how far behind it is, so it says the most it could be). The timeline: a primary's from
# its current WAL file's name (a promotion starts a new one at once); a standby's from
# its last restartpoint.
ROLE_SQL = (
    "SELECT pg_catalog.pg_is_in_recovery() AS standby,"
    " CASE WHEN NOT pg_catalog.pg_is_in_recovery() THEN NULL"
    "  WHEN pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn()"
    "   AND EXISTS (SELECT 1 FROM pg_catalog.pg_stat_wal_receiver WHERE status = 'streaming') THEN 0"
    "  ELSE EXTRACT(EPOCH FROM pg_catalog.clock_timestamp() - pg_catalog.pg_last_xact_replay_timestamp()) END AS lag_s,"
    " pg_catalog.pg_last_xact_replay_timestamp() AS replayed_at,"
    " CASE WHEN pg_catalog.pg_is_in_recovery()"
    "  THEN (SELECT timeline_id FROM pg_catalog.pg_control_checkpoint())"
    "  ELSE ('x' || pg_catalog.substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))"
    "::pg_catalog.bit(32)::pg_catalog.int4 END AS timeline"
)


def role_of(parsed: PostgresURL, conn: Any) -> ServerRole:
    """What kind of server ``conn`` (a connection to the store at ``parsed``) is on."""
    standby, lag, replayed, timeline = conn.execute(ROLE_SQL).fetchone()
    return ServerRole(bool(standby), None if lag is None else float(lag), replayed, int(timeline or 1), parsed.where)


def standby_refusal(where: str) -> str:
    return f"the server at {where} is a read-only standby: send writes to the primary (give the primary as --db)"


def records_refusal(where: str) -> str:
    return (f"the server at {where} is a read-only standby, where a read of records has nowhere to log itself: "
            "give the primary as --db and the standby as --read-db")


def lag_note(role: ServerRole) -> str:
    """One line for a person reading from a standby: how current the answer is."""
    if not role.standby:
        return ""
    as_of = f" (its last replayed change was committed {role.replayed_at:%Y-%m-%d %H:%M:%S %Z})" \
        if role.replayed_at else ""
    if role.lag_s is None:
        return f"read from the standby at {role.where}, which has replayed nothing yet"
    if role.lag_s == 0:
        return f"read from the standby at {role.where}, up to date with what it has received{as_of}"
    return f"read from the standby at {role.where}, {role.lag_s:.1f} s behind the primary{as_of}"


def check_lag(role: ServerRole, max_lag: float | None) -> None:
    """``--max-lag``: a standby further behind than that answers nothing (exit 4)."""
    if max_lag is None or not role.standby:
        return
    if role.lag_s is None or role.lag_s > max_lag:
        behind = "an unknown time" if role.lag_s is None else f"{role.lag_s:.1f} s"
        raise StandbyRefused(f"the standby at {role.where} is {behind} behind the primary, more than --max-lag "
                               f"{max_lag:g} s: read from the primary, or wait")
