"""What each part of the store's save costs the server: pgbench, one client, no Python.

    python bench/save_parts.py [--rounds 6] [--seconds 10] [--db URL]

Variants take turns (the machine's speed drifts), each a one-event transaction with a 420-byte state:
a plain INSERT into a table shaped like the log; the save function as it is (``RECORD_FUNCTION``:
lock, unchanged-read check, insert, the chain links); the same save with the link kept in the
event's own row by a BEFORE row trigger (no chain table: a layout plantrail does not use, measured
for the decision in docs/performance.md); the save with no chain; and the save's parts one by one.
Needs ``pgbench`` on the PATH. A fresh schema, dropped afterwards. Prints tps medians and each as a
share of the plain INSERT.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402
from plantrail.store.chain import canonical_sql  # noqa: E402
from plantrail.store.postgres_recorder import RECORD_FUNCTION  # noqa: E402

STATE = "decode(repeat('ab', 420), 'hex')"
# No ':' in it: pgbench reads ":name" as a variable, and with -M prepared sends it as a parameter.
TOPIC = "'domain.events.ActionAmended'"
ONE = f"ARRAY[gen_random_uuid()], ARRAY[1::bigint], ARRAY[{TOPIC}], ARRAY[{STATE}]"
READ = "ARRAY['00000000-0000-0000-0000-000000000001'::uuid], ARRAY[5::bigint]"
LOG_COLUMNS = ("originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text, state bytea,"
               " notification_id bigserial, {extra} PRIMARY KEY (originator_id, originator_version)")
LINK = f"sha256(prev || {canonical_sql('NEW.')})"  # the link as the save function makes it
READ_CHECK = ("IF EXISTS (SELECT 1 FROM unnest(read_ids, read_versions) AS r(id, version) CROSS JOIN LATERAL"
              " (SELECT 1 FROM {s}.{t} e WHERE e.originator_id = r.id AND e.originator_version > r.version LIMIT 1)"
              " AS later) THEN RAISE EXCEPTION 'changed'; END IF;")
INSERT = ("WITH written AS (INSERT INTO {s}.{t} (originator_id, originator_version, topic, state)"
          " SELECT * FROM unnest(oids, vers, topics, states) RETURNING notification_id)"
          " SELECT array_agg(notification_id ORDER BY notification_id) INTO positions FROM written;")


def _save_function(s: str, name: str, table: str, *, lock: bool, read: bool, wait: bool) -> str:
    body = ("PERFORM set_config('lock_timeout', '5s', true);" if wait else "") \
        + (f"LOCK TABLE {s}.save_turn IN EXCLUSIVE MODE; LOCK TABLE {s}.{table} IN ROW EXCLUSIVE MODE;"
           if lock else "") \
        + (READ_CHECK.format(s=s, t=table) if read else "") + INSERT.format(s=s, t=table)
    return (f"CREATE FUNCTION {s}.{name}(oids uuid[], vers bigint[], topics text[], states bytea[],"
            " read_ids uuid[], read_versions bigint[]) RETURNS bigint[] LANGUAGE plpgsql AS $$"
            f" DECLARE positions bigint[]; BEGIN {body} RETURN positions; END $$")


def setup(base: str, s: str) -> dict[str, str]:
    """The variants' tables and functions; {variant: its one-transaction pgbench script}."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        for table, extra in (("plain", ""), ("linked", "link bytea NOT NULL,"), ("unchained", "")):
            conn.execute(f"CREATE TABLE {s}.{table} ({LOG_COLUMNS.format(extra=extra)})")
            conn.execute(f"CREATE UNIQUE INDEX ON {s}.{table} (notification_id)")
        conn.execute(
            f"CREATE FUNCTION {s}.link_row() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE prev bytea; BEGIN"
            f" SELECT link INTO prev FROM {s}.linked ORDER BY notification_id DESC LIMIT 1;"
            " IF NOT FOUND THEN prev := decode(repeat('00', 32), 'hex'); END IF;"
            f" NEW.link := {LINK}; RETURN NEW; END $$")
        conn.execute(f"CREATE TRIGGER linked_link BEFORE INSERT ON {s}.linked FOR EACH ROW EXECUTE FUNCTION {s}.link_row()")
        parts = {"insert_only": dict(lock=False, read=False, wait=False),
                 "with_lock": dict(lock=True, read=False, wait=False),
                 "with_lock_read": dict(lock=True, read=True, wait=False),
                 "save_no_chain": dict(lock=True, read=True, wait=True)}
        for name, flags in parts.items():
            conn.execute(_save_function(s, name, "unchained", **flags))
        conn.execute(_save_function(s, "save_link_in_row", "linked", lock=True, read=True, wait=True))
    scripts = {
        "plain_insert": f"INSERT INTO {s}.plain (originator_id, originator_version, topic, state)"
                        f" VALUES (gen_random_uuid(), 1, {TOPIC}, {STATE});",
        "save_as_it_is": f"SELECT {s}.{RECORD_FUNCTION}({ONE}, NULL, NULL, NULL, NULL, {READ}, '5s');",
        "save_link_in_row": f"SELECT {s}.save_link_in_row({ONE}, {READ});",
        "save_no_chain": f"SELECT {s}.save_no_chain({ONE}, {READ});",
    }
    scripts.update({name: f"SELECT {s}.{name}({ONE}, {READ});" for name in ("insert_only", "with_lock", "with_lock_read")})
    return scripts


def tps(base: str, script: Path, seconds: int) -> float:
    # Prepared, as the store's recorder and the bench's raw commit send theirs: in pgbench's
    # default simple mode every statement is planned again, which weighs on some variants more.
    out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-c", "1", "-T", str(seconds), "-f", str(script), base],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"tps = ([0-9.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--db", help=f"PostgreSQL database (default {wl.DEFAULT_BASE})")
    args = parser.parse_args()
    if not shutil.which("pgbench"):
        sys.exit("pgbench is not on the PATH (Debian: postgresql-client)")
    with wl.scratch_store(args.db) as url, tempfile.TemporaryDirectory() as tmp:
        wl.open_app(url).close()  # the store's own tables and save function
        base, _, schema = url.partition("?schema=")
        scripts = setup(base, f'"{schema}"')
        files = {}
        for name, text in scripts.items():
            files[name] = Path(tmp, f"{name}.sql")
            files[name].write_text(text + "\n")
        results: dict[str, list[float]] = {name: [] for name in scripts}
        for r in range(args.rounds):
            for name in scripts:
                results[name].append(tps(base, files[name], args.seconds))
            print(f"round {r + 1}: " + ", ".join(f"{n} {v[-1]:.0f}" for n, v in results.items()), file=sys.stderr)
    plain = statistics.median(results["plain_insert"])
    for name, values in results.items():
        median = statistics.median(values)
        print(f"{name:18} {median:8.0f} tps  ({min(values):.0f}-{max(values):.0f})  {median / plain:5.2f} of the plain INSERT")


if __name__ == "__main__":
    main()
