"""Each kind of tampering, done with raw SQL after disabling the guards, is caught at the right position."""

from __future__ import annotations

import pytest
from plantrail_store_testkit import Raw, fill, rechain

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE
from plantrail.store.verify import verify


@pytest.fixture
def tampered(store_url, apps):
    """The store URL and a Raw connection whose guards are off, over a store of N events."""
    fill(apps(store_url), 10)
    with Raw(store_url) as raw:
        raw.disable_guards()
        raw.n = raw.count()
        assert verify(store_url).intact
        yield store_url, raw


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def assert_caught(url, problem, position):
    report = verify(url)
    assert not report.intact
    assert (report.problem, report.first_bad_position) == (problem, position), report
    assert report.detail and "\n" not in report.detail
    assert report.events_checked == report.head_position if problem != "inserted" else True
    return report


@pytest.mark.parametrize("which", ["first", "middle", "newest"])
def test_one_byte_of_state_edited(tampered, which):
    url, raw = tampered
    pos = {"first": 1, "middle": raw.n // 2, "newest": raw.n}[which]
    state = bytes(raw.event(pos)[4])
    raw.run(f"UPDATE {EVENTS_TABLE} SET state = ? WHERE {{pos}} = ?", (_flip(state, len(state) // 2), pos))
    report = assert_caught(url, "edited", pos)
    assert report.events_checked == pos - 1


def test_topic_edited(tampered):
    url, raw = tampered
    raw.run(f"UPDATE {EVENTS_TABLE} SET topic = topic || 'x' WHERE {{pos}} = 7")
    assert_caught(url, "edited", 7)


def test_link_edited(tampered):
    url, raw = tampered
    link = bytes(raw.run(f"SELECT link FROM {CHAIN_TABLE} WHERE position = 5")[0][0])
    raw.run(f"UPDATE {CHAIN_TABLE} SET link = ? WHERE position = 5", (_flip(link, 0),))
    assert_caught(url, "edited", 5)


@pytest.mark.parametrize("which", ["first", "middle", "newest"])
def test_event_row_deleted(tampered, which):
    url, raw = tampered
    pos = {"first": 1, "middle": 9, "newest": raw.n}[which]
    raw.run(f"DELETE FROM {EVENTS_TABLE} WHERE {{pos}} = ?", (pos,))
    assert_caught(url, "missing", pos)


def test_event_and_its_link_deleted(tampered):
    url, raw = tampered
    raw.run(f"DELETE FROM {EVENTS_TABLE} WHERE {{pos}} = 6")
    raw.run(f"DELETE FROM {CHAIN_TABLE} WHERE position = 6")
    assert_caught(url, "missing", 6)


def test_link_deleted(tampered):
    url, raw = tampered
    raw.run(f"DELETE FROM {CHAIN_TABLE} WHERE position = 4")
    assert_caught(url, "missing", 4)


def test_forged_event_appended(tampered):
    url, raw = tampered
    oid = raw.event(3)[1]  # an INSERT by hand: on PostgreSQL, only the save function makes links
    raw.run(f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) VALUES (?, 99, ?, ?)",
            (oid, "tests:Thing.Noted", b'{"text":"forged"}'))
    assert_caught(url, "inserted", raw.n + 1)


def test_forged_event_with_made_up_link_in_a_gap(pg_url, apps):
    """PostgreSQL leaves gaps in positions (a failed insert uses up its number); a forger can fill one."""
    from plantrail_store_testkit import Thing

    app = apps(pg_url)
    fill(app, 3)
    t = Thing("gap")
    app.save(t)
    stale = app.repository.get(t.id)
    t.note("a")
    app.save(t)
    stale.note("b")
    with pytest.raises(Exception):
        app.save(stale)  # uses up a position
    fill(app, 2)
    with Raw(pg_url) as raw:
        used = {r[0] for r in raw.run(f"SELECT notification_id FROM {EVENTS_TABLE}")}
        gap = min(set(range(1, max(used))) - used)
        raw.run(f"INSERT INTO {EVENTS_TABLE} (notification_id, originator_id, originator_version, topic, state) "
                "VALUES (?, gen_random_uuid(), 1, 'x', '\\x00')", (gap,))
        raw.run(f"INSERT INTO {CHAIN_TABLE} (position, prev_position, link) VALUES (?, ?, ?)",
                (gap, -gap, bytes(32)))
    assert_caught(pg_url, "inserted", gap)


@pytest.mark.parametrize("what", ["whole rows", "topic and state"])
def test_two_rows_swapped(tampered, what):
    url, raw = tampered
    p, q = 4, 11
    a, b = raw.event(p), raw.event(q)
    if what == "whole rows":
        # Through a placeholder version, as (originator_id, originator_version) is unique.
        raw.run(f"UPDATE {EVENTS_TABLE} SET originator_version = -1 WHERE {{pos}} = ?", (q,))
        raw.run(f"UPDATE {EVENTS_TABLE} SET originator_id = ?, originator_version = ?, topic = ?, state = ? "
                f"WHERE {{pos}} = ?", (*b[1:], p))
        raw.run(f"UPDATE {EVENTS_TABLE} SET originator_id = ?, originator_version = ?, topic = ?, state = ? "
                f"WHERE {{pos}} = ?", (*a[1:], q))
    else:
        raw.run(f"UPDATE {EVENTS_TABLE} SET topic = ?, state = ? WHERE {{pos}} = ?", (b[3], b[4], p))
        raw.run(f"UPDATE {EVENTS_TABLE} SET topic = ?, state = ? WHERE {{pos}} = ?", (a[3], a[4], q))
    report = assert_caught(url, "reordered", p)
    assert str(q) in report.detail


def test_edit_with_rechained_tail_passes_without_checkpoint(tampered):
    """A consistent rewrite of the chain is invisible to the chain alone: that is what checkpoints are for."""
    url, raw = tampered
    state = bytes(raw.event(3)[4])
    raw.run(f"UPDATE {EVENTS_TABLE} SET state = ? WHERE {{pos}} = 3", (_flip(state, 5),))
    rechain(raw)
    assert verify(url).intact


def test_sqlite_deleted_tail_is_truncated_even_without_checkpoint(tmp_path, apps):
    url = f"sqlite:///{tmp_path}/s.sqlite"
    fill(apps(url), 4)
    with Raw(url) as raw:
        raw.disable_guards()
        n = raw.count()
        raw.run(f"DELETE FROM {EVENTS_TABLE} WHERE rowid >= ?", (n - 1,))
        raw.run(f"DELETE FROM {CHAIN_TABLE} WHERE position >= ?", (n - 1,))
    assert_caught(url, "truncated", n - 1)


def test_small_batches_find_the_same_faults(tampered, monkeypatch):
    from plantrail.store import verify as verify_module

    url, raw = tampered
    monkeypatch.setattr(verify_module, "BATCH", 3)
    assert verify(url).events_checked == raw.n
    a, b = raw.event(5), raw.event(16)
    raw.run(f"UPDATE {EVENTS_TABLE} SET topic = ?, state = ? WHERE {{pos}} = ?", (b[3], b[4], 5))
    raw.run(f"UPDATE {EVENTS_TABLE} SET topic = ?, state = ? WHERE {{pos}} = ?", (a[3], a[4], 16))
    assert_caught(url, "reordered", 5)


def test_any_single_byte_edit_is_caught_where_it_was_made(tmp_path, apps):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    url = f"sqlite:///{tmp_path}/h.sqlite"
    fill(apps(url), 8)
    with Raw(url) as raw:
        raw.disable_guards()
        n = raw.count()

        @settings(max_examples=40, deadline=None, database=None)
        @given(pos=st.integers(1, n), column=st.sampled_from(["state", "topic"]), at=st.integers(0, 10_000),
               bit=st.integers(0, 7))
        def edit_and_undo(pos, column, at, bit):
            original = raw.run(f"SELECT {column} FROM {EVENTS_TABLE} WHERE rowid = ?", (pos,))[0][0]
            data = original.encode() if column == "topic" else bytes(original)
            at %= len(data)
            changed = data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1:]
            # Topics are ASCII; latin-1 turns any flipped byte into a different but valid text.
            value = changed.decode("latin-1") if column == "topic" else changed
            raw.run(f"UPDATE {EVENTS_TABLE} SET {column} = ? WHERE rowid = ?", (value, pos))
            try:
                report = verify(url)
                assert (report.problem, report.first_bad_position) == ("edited", pos), report
            finally:
                raw.run(f"UPDATE {EVENTS_TABLE} SET {column} = ? WHERE rowid = ?", (original, pos))
            assert verify(url).intact

        edit_and_undo()
