"""A throwaway application and raw-SQL helpers for the store tests (our domain is not used here)."""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE, GENESIS, next_link
from plantrail.store.settings import MAPPER_TOPICS, SQLiteURL, env_for_url, parse_url, prepare


class Thing(Aggregate):
    def __init__(self, name: str) -> None:
        self.name = name
        self.notes: list[str] = []

    @event("Noted")
    def note(self, text: str) -> None:
        self.notes.append(text)


class ThingApp(Application):
    """Stores Things with the library's own mapper and transcoder (Thing is a plain
    eventsourcing aggregate, not one of plantrail's pydantic records)."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__({k: v for k, v in (env or {}).items() if k not in MAPPER_TOPICS})


def open_app(url: str) -> ThingApp:
    prepare(url)
    return ThingApp(env=env_for_url(url))


def fill(app: ThingApp, saves: int, notes_per_save: int = 1) -> list[Thing]:
    """Many saves: a new aggregate each time, plus multi-event saves across aggregates."""
    things = []
    for i in range(saves):
        t = Thing(f"thing {i}")
        for j in range(notes_per_save):
            t.note(f"note {i}.{j}")
        if things and i % 3 == 0:
            things[-1].note(f"also {i}")
            app.save(t, things[-1])  # two aggregates in one transaction
        else:
            app.save(t)
        things.append(t)
    return things


class Raw:
    """Direct SQL on the store, as an intruder (or a careless DBA) would use it."""

    def __init__(self, url: str) -> None:
        parsed = parse_url(url)
        self.is_sqlite = isinstance(parsed, SQLiteURL)
        if self.is_sqlite:
            self.conn = sqlite3.connect(str(parsed.path), isolation_level=None)
            self.pos = "rowid"
        else:
            self.conn = psycopg.connect(**parsed.connect_kwargs(), autocommit=True)
            self.conn.execute(f'SET search_path TO "{parsed.schema or "public"}"')
            self.pos = "notification_id"

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def run(self, statement: str, params: tuple = ()) -> list[tuple]:
        statement = statement.replace("{pos}", self.pos)
        if not self.is_sqlite:
            statement = statement.replace("?", "%s")
        cur = self.conn.execute(statement, params)
        try:
            return [tuple(r) for r in cur.fetchall()]
        except (sqlite3.Error, psycopg.ProgrammingError):
            return []

    def event(self, pos: int) -> tuple:
        return self.run(f"SELECT {{pos}}, originator_id, originator_version, topic, state FROM {EVENTS_TABLE} WHERE {{pos}} = ?", (pos,))[0]

    def count(self) -> int:
        return self.run(f"SELECT count(*) FROM {EVENTS_TABLE}")[0][0]

    def disable_guards(self) -> None:
        if self.is_sqlite:
            for table in (EVENTS_TABLE, CHAIN_TABLE):
                for op in ("update", "delete"):
                    self.run(f"DROP TRIGGER IF EXISTS {table}_refuse_{op}")
        else:
            for table in (EVENTS_TABLE, CHAIN_TABLE):
                self.run(f"ALTER TABLE {table} DISABLE TRIGGER {table}_refuse_change")
                self.run(f"ALTER TABLE {table} DISABLE TRIGGER {table}_refuse_truncate")


def rechain(raw: Raw) -> None:
    """Recompute every link after an edit: the forger's full rewrite that only a checkpoint exposes."""
    link = GENESIS
    for pos, oid, ver, topic, state in raw.run(
            f"SELECT {{pos}}, originator_id, originator_version, topic, state FROM {EVENTS_TABLE} ORDER BY {{pos}}"):
        link = next_link(link, pos, oid, ver, topic, bytes(state))
        raw.run(f"UPDATE {CHAIN_TABLE} SET link = ? WHERE position = ?", (link, pos))
