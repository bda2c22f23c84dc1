"""The log's statistics on PostgreSQL: gathering them, seeing when they are far behind, and
the autovacuum settings an insert-only log wants (docs/database.md).

plantrail's reads of the log do not depend on the planner's statistics (store/windows.py,
tests/store/test_store_plans.py), but everything else the server plans does, and the log
only grows: autovacuum's defaults analyse a table after a tenth of it has changed and
vacuum it after a fifth more has been inserted, which for a log of 10M events is every
million events. A bulk load outruns that, and a server may run with autovacuum off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE
from plantrail.store.commands import COMMANDS_TABLE
from plantrail.store.view_tables import VIEW_TABLES, is_postgres, transaction

LOG_TABLES = (EVENTS_TABLE, CHAIN_TABLE, COMMANDS_TABLE)
# Each a table's own settings (PostgreSQL 13 on): vacuum after 10,000 rows inserted plus 1 %
# of the table, analyse after 1,000 plus 1 % (what the eventsourcing library gives its events
# table; the server's defaults are 1,000 + 20 % and 50 + 10 %). A vacuum sets the visibility
# map and freezes the new pages a little at a time, rather than in one anti-wraparound vacuum
# of the whole log years later; an ANALYZE samples 30,000 rows whatever the table's size.
LOG_AUTOVACUUM = {
    "autovacuum_vacuum_insert_threshold": 10_000,
    "autovacuum_vacuum_insert_scale_factor": 0.01,
    "autovacuum_analyze_threshold": 1_000,
    "autovacuum_analyze_scale_factor": 0.01,
    "vacuum_truncate": "false",  # (see VACUUM_ANALYZE below)
}
# "Far behind": at least this many events written since the last ANALYZE, and more than
# FAR_SHARE of the log: twice what autovacuum's default waits for, so it fires only where
# nothing is analysing the log.
FAR_EVENTS = 100_000
FAR_SHARE = 0.2


@dataclass(frozen=True)
class LogStatistics:
    events: int  # rows the server counts in the log
    changed: int  # rows written since it was last analysed
    analysed: bool  # ever (by ANALYZE or autovacuum)

    @property
    def far_behind(self) -> bool:
        return self.changed >= FAR_EVENTS and self.changed > FAR_SHARE * max(self.events, 1)


def log_statistics(app: Any) -> LogStatistics | None:
    """How far the log's statistics are behind it (PostgreSQL; None on SQLite, or where the
    server keeps no counts). Counts reach the server's view when a writing session ends or
    commits, so the last second's writes may be missing."""
    if not is_postgres(app):
        return None
    with transaction(app, commit=False) as tx:
        row = tx.execute(
            "SELECT n_live_tup AS events, n_mod_since_analyze AS changed,"
            " (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analysed"
            " FROM pg_stat_all_tables WHERE relid = to_regclass(?)", (tx.names["events"],)).fetchone()
    return None if row is None else LogStatistics(int(row["events"]), int(row["changed"]), bool(row["analysed"]))


# What a bulk load ends with (``plantrail import``): the log's new rows vacuumed — hint bits and
# the visibility map set once, in one pass, rather than by every later read that meets them (a
# catch-up of the views after 1M events imported took 29-30 s on an unvacuumed log and 20-24 s,
# vacuum included, on a vacuumed one: docs/performance.md) — and the statistics gathered; with
# ``--no-vacuum`` only the statistics. No save waits for either (store/save_v4.sql). Never a
# truncation of empty pages at a table's end: it would take an ACCESS EXCLUSIVE lock, which
# saves would wait for and which cancels a hot standby's reads of the table.
ANALYZE = "ANALYZE"
VACUUM = "VACUUM (TRUNCATE false)"
VACUUM_ANALYZE = "VACUUM (ANALYZE, TRUNCATE false)"
MAINTENANCE = (ANALYZE, VACUUM, VACUUM_ANALYZE)


def analyse(app: Any, tables: tuple[str, ...] = LOG_TABLES + VIEW_TABLES, *,
            statement: str = ANALYZE) -> tuple[list[str], list[str]]:
    """ANALYZE (or VACUUM, or both: ``statement``) the store's ``tables`` (PostgreSQL): those
    done, and those skipped because this role does not own them (only an owner may; PostgreSQL
    would skip them with a warning)."""
    if statement not in MAINTENANCE:
        raise ValueError(f"not a maintenance statement: {statement!r}")
    if not is_postgres(app):
        return [], []
    schema = app.recorder.datastore.schema
    with transaction(app, commit=False) as tx:
        rows = tx.execute(
            "SELECT c.relname AS name, pg_has_role(c.relowner, 'USAGE') AS mine FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ANY(?)",
            (schema, list(tables))).fetchall()
        owned = {r["name"]: r["mine"] for r in rows}
        mine = [name for name in tables if owned.get(name)]  # in the order asked for
        if tx.execute("SELECT current_setting('server_version_num')::int < 120000 AS old").fetchone()["old"]:
            statement = statement.replace(", TRUNCATE false", "").replace(" (TRUNCATE false)", "")  # (12 on)
        # Each its own statement, outside any transaction (the pool's connections are
        # autocommit; VACUUM cannot run in one).
        for name in mine:
            tx.execute(f'{statement} "{schema}"."{name}"')
    return mine, [name for name in tables if owned.get(name) is False]


@dataclass(frozen=True)
class Autovacuum:
    server_on: bool  # autovacuum and track_counts both on
    tuned: list[str]  # log tables given LOG_AUTOVACUUM here
    not_owned: list[str]  # log tables this role could not tune


def tune_autovacuum(app: Any) -> Autovacuum | None:
    """Give the log's tables LOG_AUTOVACUUM (where this role owns them), and say whether the
    server runs autovacuum at all (PostgreSQL 13 on; None on SQLite or an older server)."""
    if not is_postgres(app):
        return None
    schema = app.recorder.datastore.schema
    settings = ", ".join(f"{name} = {value}" for name, value in LOG_AUTOVACUUM.items())
    with transaction(app, commit=True) as tx:
        server = tx.execute(
            "SELECT current_setting('server_version_num')::int >= 130000 AS recent,"
            " current_setting('autovacuum') = 'on' AND current_setting('track_counts') = 'on' AS running").fetchone()
        if not server["recent"]:
            return None
        rows = tx.execute(
            "SELECT c.relname AS name, pg_has_role(c.relowner, 'USAGE') AS mine FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ANY(?)",
            (schema, list(LOG_TABLES))).fetchall()
        mine = sorted(r["name"] for r in rows if r["mine"])
        for name in mine:
            tx.execute(f'ALTER TABLE "{schema}"."{name}" SET ({settings})')
    return Autovacuum(bool(server["running"]), mine, sorted(r["name"] for r in rows if not r["mine"]))
