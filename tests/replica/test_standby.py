"""Reads from a real PostgreSQL hot standby: the primary and its standby are started by the
fixture on loopback (initdb, pg_basebackup -R, two servers), and the real `plantrail`
executable is pointed at them. No read writes to the server it reads from; the standby
answers what the primary answered once it has replayed; a lagging standby says so and
can be told to refuse; a write sent there is refused with exit 4; a checkpoint it has not
replayed yet is pending, not an alarm."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.servers.pg_pair import PgPair, pair_fixture
from tests.support import Shell, staffed

pair = pair_fixture(scope="module", db="plantrail")

# Every read of the contract that shows records, as a script would run it.
READS = (
    ("plans", "--json"),
    ("due", "--json"),
    ("child", "show", "K1", "--json"),
    ("child", "list", "--json"),
    ("show", "{plan}", "--json"),
    ("history", "{plan}", "--json"),
    ("changes", "{plan}", "--json"),
    ("projections", "status", "--json"),
)


class Store:
    """One plantrail store on the pair: the CLI on the primary, and the plan made there."""

    def __init__(self, pair: PgPair, tmp: Path) -> None:
        self.pair, self.tmp = pair, tmp
        self.primary = Shell(pair.primary_url, tmp)
        self.standby = Shell(pair.standby_url, tmp)
        self.plan = ""

    def through_standby(self, *args: str, actor: str | None = "au1", max_lag: str | None = None):
        extra = ("--max-lag", max_lag) if max_lag else ()
        return self.primary("--read-db", self.pair.standby_url, *extra, *args, actor=actor)

    def add_action(self, need: str) -> str:
        return self.primary.ok("action", "add", self.plan, "--area", "health", "--need", need, "--response", "Weigh",
                               "--frequency", "weekly", "--responsible", "HV", "--starts", "2026-03-09",
                               "--outcome", "Gains weight", "--on", "2026-03-09", actor="sw1").out.strip()


@pytest.fixture(scope="module")
def store(pair: PgPair, tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store(pair, tmp_path_factory.mktemp("standby"))
    s.primary.ok("init")
    staffed(s.primary)
    s.primary.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="sw1")
    s.plan = s.primary.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe and well",
                          "--on", "2026-03-02", actor="sw1").out.strip()
    s.add_action("Weight")
    pair.wait_replayed()
    return s


def _args(read: tuple[str, ...], store: Store) -> list[str]:
    return [a.format(plan=store.plan) for a in read]


def _comparable(read: tuple[str, ...], out: str) -> object:
    data = json.loads(out)
    if read[0] == "projections":
        # The standby's own rows say where they were read; the rest must agree.
        for row in data if isinstance(data, list) else data.get("projections", []):
            row.pop("replica", None)
            row.pop("lag_s", None)
    return data


@pytest.mark.parametrize("read", READS, ids=lambda r: " ".join(r[:2]))
def test_a_read_through_read_db_answers_what_the_primary_answers(store: Store, read: tuple[str, ...]) -> None:
    store.pair.wait_replayed()
    on_primary = store.primary(*_args(read, store), actor="au1")
    on_standby = store.through_standby(*_args(read, store))
    assert on_primary.code == 0, on_primary.err
    assert on_standby.code == 0, on_standby.err
    assert _comparable(read, on_standby.out) == _comparable(read, on_primary.out)
    assert "standby" in on_standby.err  # said where the answer came from


def test_a_read_through_read_db_is_logged_on_the_primary(store: Store) -> None:
    """The access log's entry of a read served by the standby is written to the primary."""
    store.pair.wait_replayed()

    def shows() -> list[dict]:
        entries = store.primary.ok("access", "K1", "--json", actor="au1").json()["entries"]
        return [e for e in entries if e["command"] == "show"]

    before = shows()
    done = store.through_standby("show", store.plan, "--json")
    assert done.code == 0, done.err
    after = shows()
    assert len(after) == len(before) + 1
    assert after[-1]["actor"] == "au1" and after[-1]["plan_id"] == store.plan and after[-1]["child"] == "K1"


def test_the_standby_alone_serves_verify_checkpoints_and_status(store: Store) -> None:
    store.pair.wait_replayed()
    key = store.tmp / "key.pem"
    store.primary.ok("key", "create", str(key))
    store.primary.ok("checkpoint", "--key", str(key), "-o", str(store.tmp / "alone.json"), "--force")
    store.pair.wait_replayed()
    verified = store.standby("verify", "--against", str(store.tmp / "alone.json"), "--json")
    assert verified.code == 0, verified.err
    assert verified.json()["intact"] is True
    on_primary = store.primary.ok("projections", "status", "--json").json()
    store.pair.wait_replayed()
    status = store.standby("projections", "status", "--json")
    assert status.code == 0, status.err
    rows = status.json()
    assert rows and all(row["replica"] is True and row["lag_s"] is not None for row in rows), rows
    # What the views have taken in, as the primary says it (reads' access-log entries, which
    # no view takes in, may stand after a view's position on both).
    assert [(r["name"], r["position"], r["log_position"]) for r in rows] == [
        (r["name"], r["position"], r["log_position"]) for r in on_primary]
    assert all(row["replica"] is False and row["lag_s"] == 0 for row in on_primary)


@pytest.mark.parametrize("read", [r for r in READS if r[0] != "projections"], ids=lambda r: " ".join(r[:2]))
def test_a_read_of_records_on_the_standby_alone_is_refused(store: Store, read: tuple[str, ...]) -> None:
    refused = store.standby(*_args(read, store), actor="au1")
    assert refused.code == 4, refused.err
    lines = [line for line in refused.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "--read-db" in lines[0] and "Traceback" not in refused.err
    assert refused.out == ""


def test_a_write_to_the_standby_is_refused_and_records_nothing(store: Store) -> None:
    store.pair.wait_replayed()
    before = store.primary.events()
    refused = store.standby("child", "add", "K9", "--name", "Kim Nine", "--born", "2020-01-01", actor="sw1")
    assert refused.code == 4, refused.err
    lines = [line for line in refused.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "read-only standby" in lines[0] and "primary" in lines[0]
    assert store.primary.events() == before
    # init, too, is a write: nothing made on a standby.
    assert store.standby("init").code == 4


def test_a_paused_standby_answers_stale_but_labelled(store: Store) -> None:
    store.pair.wait_replayed()
    read = ("show", store.plan, "--json")
    before = store.primary(*read, actor="au1").out
    key = store.tmp / "paused.pem"
    store.primary.ok("key", "create", str(key))
    store.pair.pause_replay()
    try:
        store.add_action("Sleep")
        store.primary.ok("checkpoint", "--key", str(key), "-o", str(store.tmp / "ahead.json"), "--force")
        time.sleep(1.2)  # so the standby's replay is measurably behind

        stale = store.through_standby(*read)
        assert stale.code == 0, stale.err
        assert stale.out == before != store.primary(*read, actor="au1").out
        assert "behind the primary" in stale.err

        status = store.standby("projections", "status", "--json").json()
        rows = status if isinstance(status, list) else status["projections"]
        assert all(row["replica"] and row["lag_s"] >= 1.0 for row in rows)

        late = store.through_standby(*read, max_lag="0.5")
        assert late.code == 4 and "--max-lag" in late.err and late.out == ""
        assert store.through_standby(*read, max_lag="3600").code == 0

        pending = store.standby("verify", "--against", str(store.tmp / "ahead.json"), "--json")
        assert pending.code == 0, pending.err
        report = pending.json()
        assert report["intact"] is True
        assert [cp["status"] for cp in report["checkpoints"]] == ["pending"]
        human = store.standby("verify", "--against", str(store.tmp / "ahead.json"))
        assert human.code == 0 and "pending" in human.out
        on_primary = store.primary("verify", "--against", str(store.tmp / "ahead.json"), "--json")
        assert on_primary.code == 0 and on_primary.json()["checkpoints"][0]["status"] == "held"
    finally:
        store.pair.resume_replay()
    store.pair.wait_replayed()
    caught_up = store.through_standby(*read)
    assert caught_up.out == store.primary(*read, actor="au1").out


def test_a_checkpoint_beyond_the_log_on_a_primary_is_still_truncated(store: Store, tmp_path: Path) -> None:
    """What is pending on a standby is an alarm on a primary: the log there must have it."""
    other = Shell(f"sqlite:///{tmp_path / 'other.db'}", tmp_path)
    staffed(other)
    for n in range(40):
        other.ok("child", "add", f"X{n}", "--name", "Xena Other", "--born", "2020-01-01", actor="sw1")
    key = tmp_path / "k.pem"
    other.ok("key", "create", str(key))
    other.ok("checkpoint", "--key", str(key), "-o", str(tmp_path / "far.json"))
    far = store.primary("verify", "--against", str(tmp_path / "far.json"), "--json")
    assert far.code == 3 and far.json()["problem"] in {"truncated", "rewritten"}
