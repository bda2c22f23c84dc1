"""Self-tests of lossy_proxy against the shared PostgreSQL server, through a real loopback proxy."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.servers.lossy_proxy import LossyProxy

SAVE = b"lossy_save"  # the function whose reply gets lost, as plantrail's save function would


@pytest.fixture
def schema(shared_url: str) -> Iterator[str]:
    """A schema of its own with a table and a save function that inserts into it."""
    name = f"lossy_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(shared_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
        conn.execute(f"CREATE TABLE {name}.saved (x int)")
        conn.execute(f"CREATE FUNCTION {name}.lossy_save(x int) RETURNS int LANGUAGE sql "
                     f"AS 'INSERT INTO {name}.saved VALUES (x) RETURNING x'")
    yield name
    with psycopg.connect(shared_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture
def proxy(shared_url: str) -> Iterator[LossyProxy]:
    parts = urlsplit(shared_url)
    with LossyProxy(parts.hostname, parts.port or 5432) as p:
        yield p


def saved(shared_url: str, schema: str) -> list[int]:
    with psycopg.connect(shared_url) as conn:
        return [r[0] for r in conn.execute(f"SELECT x FROM {schema}.saved ORDER BY x")]


# Ways a client can run the save: every one must be recognised by the proxy.
def simple_query(conn: psycopg.Connection, schema: str, x: int) -> None:
    result = conn.pgconn.exec_(f"SELECT {schema}.lossy_save({x})".encode())  # 'Q' message
    if result.status != psycopg.pq.ExecStatus.TUPLES_OK:
        raise psycopg.OperationalError(result.error_message.decode())


def extended(conn: psycopg.Connection, schema: str, x: int) -> None:  # unnamed Parse/Bind
    conn.execute(f"SELECT {schema}.lossy_save(%s)", (x,), prepare=False)


def prepared(conn: psycopg.Connection, schema: str, x: int) -> None:  # psycopg's named statement
    conn.execute(f"SELECT {schema}.lossy_save(%s)", (x,), prepare=True)


def prepared_by_hand(conn: psycopg.Connection, schema: str, x: int) -> None:
    """As plantrail's save: prepared once (Parse + Sync, a cycle of its own), then a Bind
    naming it; the SQL text is not in the Bind at all."""
    pgconn = conn.pgconn
    if not conn.execute("SELECT 1 FROM pg_prepared_statements WHERE name = 'save'").fetchone():
        pgconn.prepare(b"save", f"SELECT {schema}.lossy_save($1::int)".encode())
    result = pgconn.exec_prepared(b"save", [str(x).encode()])
    if result.status != psycopg.pq.ExecStatus.TUPLES_OK:
        raise psycopg.OperationalError((result.error_message or b"connection lost").decode())


def pipelined(conn: psycopg.Connection, schema: str, x: int) -> None:  # one Sync for all rows
    with conn.cursor() as cur:
        cur.executemany(f"SELECT {schema}.lossy_save(%s)", [(x,), (x + 100,)])


WAYS = [simple_query, extended, prepared, prepared_by_hand, pipelined]
Way = Callable[[psycopg.Connection, str, int], None]


@pytest.mark.parametrize("way", WAYS, ids=lambda w: w.__name__)
def test_a_lost_reply_to_an_autocommitted_save_is_committed_but_the_client_sees_an_error(
        way: Way, proxy: LossyProxy, schema: str, shared_url: str) -> None:
    with psycopg.connect(proxy.url(shared_url), autocommit=True) as conn:
        for _ in range(3):  # before arming, everything passes (and prepared statements get made)
            way(conn, schema, 1)
        proxy.drop_reply_once(SAVE)
        with pytest.raises(psycopg.OperationalError):
            way(conn, schema, 2)
        assert conn.closed or conn.broken
    assert proxy.fired.is_set()
    rows = saved(shared_url, schema)
    assert rows.count(2) == 1, rows  # committed on the server, once
    with psycopg.connect(proxy.url(shared_url), autocommit=True) as conn:  # fired once only
        way(conn, schema, 3)
    assert 3 in saved(shared_url, schema)


def test_in_a_transaction_the_reply_to_the_commit_is_the_one_lost(
        proxy: LossyProxy, schema: str, shared_url: str) -> None:
    with psycopg.connect(proxy.url(shared_url)) as conn:
        proxy.drop_reply_once(SAVE)
        # The save's own reply arrives (the transaction is still open)...
        assert conn.execute(f"SELECT {schema}.lossy_save(5)").fetchone() == (5,)
        assert not proxy.fired.is_set()
        with pytest.raises(psycopg.OperationalError):
            conn.commit()  # ...the COMMIT's does not
    assert proxy.fired.is_set()
    assert saved(shared_url, schema) == [5]


def test_a_failed_save_is_passed_through_and_the_trigger_waits_for_one_that_commits(
        proxy: LossyProxy, schema: str, shared_url: str) -> None:
    with psycopg.connect(proxy.url(shared_url), autocommit=True) as conn:
        proxy.drop_reply_once(SAVE)
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute(f"SELECT {schema}.lossy_save(1 / %s)", (0,))
        assert not proxy.fired.is_set()
        conn.execute("SELECT 1")  # the connection is fine
        with pytest.raises(psycopg.OperationalError):
            conn.execute(f"SELECT {schema}.lossy_save(%s)", (7,))
    assert proxy.fired.is_set()
    assert saved(shared_url, schema) == [7]


def test_a_parameter_can_be_the_match(proxy: LossyProxy, schema: str, shared_url: str) -> None:
    with psycopg.connect(proxy.url(shared_url), autocommit=True) as conn:
        proxy.drop_reply_once(b"needle")  # by default only the SQL text is looked at
        conn.execute(f"SELECT {schema}.lossy_save(length(%s))", ("needle",))
        proxy.drop_reply_once(re.compile(rb"need+le"), in_parameters=True)
        conn.execute(f"SELECT {schema}.lossy_save(length(%s))", ("hay",))
        with pytest.raises(psycopg.OperationalError):
            conn.execute(f"SELECT {schema}.lossy_save(length(%s))", ("needle",))
    assert saved(shared_url, schema) == [3, 6, 6]


@pytest.mark.parametrize("way", [simple_query, extended, prepared_by_hand], ids=lambda w: w.__name__)
def test_a_lost_request_is_never_run(way: Way, proxy: LossyProxy, schema: str, shared_url: str) -> None:
    with psycopg.connect(proxy.url(shared_url), autocommit=True) as conn:
        way(conn, schema, 1)
        proxy.drop_request_once(SAVE)
        with pytest.raises(psycopg.OperationalError):
            way(conn, schema, 2)
    assert proxy.fired.is_set()
    assert saved(shared_url, schema) == [1]


def test_everything_else_passes_through_untouched(proxy: LossyProxy, shared_url: str) -> None:
    proxy.drop_reply_once(b"never sent")
    with psycopg.connect(proxy.url(shared_url), autocommit=True) as conn:
        conn.add_notice_handler(notices := [].append)
        conn.execute("DO $$ BEGIN RAISE NOTICE 'hello'; END $$")
        assert conn.execute("SELECT repeat('x', 1000000)").fetchone()[0] == "x" * 1_000_000
        with conn.cursor() as cur, cur.copy("COPY (SELECT generate_series(1, 3)) TO STDOUT") as copy:
            assert list(copy.rows()) == [("1",), ("2",), ("3",)]
        with conn.transaction():
            conn.execute("CREATE TEMP TABLE t (x int)")
            with conn.cursor().copy("COPY t FROM STDIN") as copy:
                copy.write_row((1,))
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (1,)
    assert notices and not proxy.fired.is_set()
    assert proxy.connections == 1


def test_with_many_clients_at_once_exactly_one_reply_is_lost(
        proxy: LossyProxy, schema: str, shared_url: str) -> None:
    lost: list[int] = []

    def client(n: int) -> None:
        with psycopg.connect(proxy.url(shared_url), autocommit=True) as conn:
            for i in range(5):
                try:
                    conn.execute(f"SELECT {schema}.lossy_save(%s)", (n * 10 + i,))
                except psycopg.OperationalError:
                    lost.append(n * 10 + i)
                    return

    proxy.drop_reply_once(SAVE)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(lost) == 1 and lost[0] in saved(shared_url, schema)  # lost to the client, not the server
    assert len(saved(shared_url, schema)) == 4 * 5 - (4 - lost[0] % 10)
