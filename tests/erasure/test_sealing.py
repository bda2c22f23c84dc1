"""Encryption at rest: the log's tables hold no child's personal content in plain text, reads
open it with the child's key, and a lost or wrong key-encryption key is a clear exit 4."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from uuid import UUID

import psycopg

from plantrail.store.settings import PostgresURL, SQLiteURL, parse_url
from tests.support import Shell, staffed

NAME = "Quentella Marchbanks"
AIM = "Zanzibarine aim for the family home"
NEED = "Needs Oxylophic support"
LOG_TABLES = ("stored_events", "event_chain", "command_log", "data_keys")


def record_child(sh: Shell) -> str:
    staffed(sh)
    sh.ok("child", "add", "K900", "--name", NAME, "--born", "2020-05-06", "--sex", "F", actor="sw1")
    plan = sh.ok("plan", "open", "K900", "--kind", "child-in-need", "--on", "2026-03-02", "--aim", AIM,
                 actor="sw1").out.strip()
    sh.ok("action", "add", plan, "--area", "health", "--need", NEED, "--response", "Weekly visits by Yolanthe",
          "--frequency", "weekly", "--responsible", "health visitor", "--starts", "2026-03-09",
          "--outcome", "Quentella thrives", actor="sw1")
    return plan


def key_saved_alone(url: str, subject: str) -> tuple[bytes, str]:
    """A child's key saved by "another process" (or an earlier try of a save), with no events
    sealed with it: its row (wrapped key, KEK id) as the store holds it."""
    from tests.support import open_app

    other = open_app(url)
    try:
        other.recorder.keyring.key_for_new(subject)
        other.recorder.keyring.flush()
        return other.recorder.keyring._rows([subject])[subject]
    finally:
        other.close()


def log_rows(url: str) -> bytes:
    """Every byte of every row of the log's own tables."""
    parsed = parse_url(url)
    out = []
    if isinstance(parsed, SQLiteURL):
        import sqlite3

        conn = sqlite3.connect(parsed.path)
        for table in LOG_TABLES:
            for row in conn.execute(f"SELECT * FROM {table}"):
                out += [v if isinstance(v, bytes) else str(v).encode() for v in row]
        conn.close()
    else:
        assert isinstance(parsed, PostgresURL)
        with psycopg.connect(**parsed.connect_kwargs()) as conn:
            for table in LOG_TABLES:
                for row in conn.execute(f'SELECT * FROM "{parsed.schema}"."{table}"'):
                    out += [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row]
    return b"\n".join(out)


def test_the_logs_tables_hold_no_personal_content_in_plain_text(sh: Shell) -> None:
    plan = record_child(sh)
    stored = log_rows(sh.url)
    for secret in (NAME, "Quentella", AIM, NEED, "Yolanthe", "2020-05-06"):
        assert secret.encode() not in stored, secret
    assert b"K900" in stored and b"child-in-need" in stored  # the reference and kinds stay plain
    shown = sh.ok("show", plan, "--json", actor="sw1").out
    assert AIM in shown and NEED in shown
    assert NAME in sh.ok("child", "show", "K900", "--json", actor="sw1").out
    assert sh.ok("verify").code == 0


def test_verify_needs_no_key_encryption_key(sh: Shell, tmp_path: Path) -> None:
    record_child(sh)
    result = sh("verify", env={"PLANTRAIL_KEK": str(tmp_path / "nowhere.kek")})
    assert result.code == 0, result.err


def _kek_file(sh: Shell) -> Path:
    parsed = parse_url(sh.url)
    if isinstance(parsed, SQLiteURL):
        return Path(str(parsed.path) + ".kek")
    from plantrail.store.kek import default_kek_path

    return default_kek_path(f"{parsed.dbname}_{parsed.schema or 'public'}")


def test_a_lost_or_wrong_kek_is_exit_4_in_one_line(sh: Shell, tmp_path: Path) -> None:
    plan = record_child(sh)
    assert _kek_file(sh).is_file()
    wrong = tmp_path / "wrong.kek"
    wrong.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    garbage = tmp_path / "garbage.kek"  # not text at all (it was a UnicodeDecodeError, exit 70)
    garbage.write_bytes(b"\xff\xfe\x00" + secrets.token_bytes(40))
    for env in ({"PLANTRAIL_KEK": str(tmp_path / "lost.kek")}, {"PLANTRAIL_KEK": str(wrong)},
                {"PLANTRAIL_KEK": str(garbage)}, {"PLANTRAIL_KEK": str(tmp_path)}):
        for args in (("show", plan), ("plans",)):
            result = sh(*args, actor="sw1", env=env)
            assert result.code == 4, (args, env, result.err, result.out)
            lines = [line for line in result.err.splitlines() if line.strip()]
            assert len(lines) == 1 and "key-encryption key" in lines[0] and "Traceback" not in result.err, result.err
        before = sh.events()
        result = sh("action", "end", plan, "A1", "--reason", "done", actor="sw1", env=env)
        assert result.code == 4, result.err
        assert sh.events() == before
    assert not (tmp_path / "lost.kek").exists()  # a lost KEK is never replaced by a new one


def test_the_kek_is_rotated_and_the_old_one_no_longer_opens_the_store(sh: Shell, tmp_path: Path) -> None:
    plan = record_child(sh)
    new = tmp_path / "next.kek"
    rotated = sh("kek", "rotate", str(new), "--json", env={"PLANTRAIL_KEK": str(_kek_file(sh))})
    assert rotated.code == 0 and rotated.json()["rewrapped"] == 1, rotated.err
    assert AIM in sh("show", plan, "--json", env={"PLANTRAIL_KEK": str(new)}).out
    assert sh("show", plan, env={"PLANTRAIL_KEK": str(_kek_file(sh))}).code == 4
    assert sh("verify", env={"PLANTRAIL_KEK": str(new)}).code == 0


def test_a_rebuild_opens_keys_a_batch_at_a_time_and_keeps_few(sh: Shell, monkeypatch) -> None:
    """Folding many children's records opens their keys a batch at a time, and keeps at most
    KEYS_KEPT of them (it used to read every child's key once a few dozen were looked up)."""
    from plantrail.domain.child import child_id
    from plantrail.projections.runner import rebuild
    from plantrail.store import keys
    from plantrail.store.sealing import subjects_of
    from tests.support import open_app

    staffed(sh)
    for n in range(12):
        sh.ok("child", "add", f"K{n}", "--name", f"Child {n}", "--born", "2019-01-10", actor="sw1")
    before = sh.ok("child", "list", "--json").out
    monkeypatch.setattr(keys, "KEYS_KEPT", 5)
    app = open_app(sh.url)
    try:
        asked: list[int] = []
        real = app.recorder.keyring._rows
        monkeypatch.setattr(app.recorder.keyring, "_rows", lambda subjects: asked.append(
            -1 if subjects is None else len(list(subjects))) or real(subjects))
        rebuild(app)
        assert -1 not in asked and max(asked) > 1  # a batch's keys at once, never every key
        firsts = [app.recorder.select_events(child_id(f"K{n}"), limit=1)[0].state for n in range(12)]
        keyring = app.recorder.keyring
        keyring._keys.clear()
        keyring.prefetch(subjects_of(firsts[:6]))
        keyring.prefetch(subjects_of(firsts[6:]))
        assert len(keyring._keys) == 6  # the batch before was let go: at most KEYS_KEPT beyond one batch
    finally:
        app.close()
    assert sh.ok("child", "list", "--json").out == before


def test_a_read_brings_its_childs_key_with_the_events(sh: Shell, monkeypatch) -> None:
    """On PostgreSQL a sealed record's read waits on the server once: the child's key comes in
    the same round trip as the events (store/record_reads.py), where it took a query of its
    own; SQLite reads the key as before. An erased child's key row is never opened."""
    from plantrail.projections.current import current_plan
    from plantrail.store.sealing import key_hex
    from tests.support import open_app

    plan = record_child(sh)
    app = open_app(sh.url)
    try:
        keyring = app.recorder.keyring
        keyring.check()  # as every invocation does first: the keys' table is then known
        keyring._keys.clear()
        asked: list[object] = []
        real = keyring._rows
        monkeypatch.setattr(keyring, "_rows", lambda subjects: asked.append(subjects) or real(subjects))
        assert current_plan(app, plan)["aim"] == AIM
        on_postgres = isinstance(parse_url(sh.url), PostgresURL)
        assert len(asked) == (0 if on_postgres else 1)
        subject = key_hex(app.recorder.select_events(UUID(plan), limit=1)[0].state)
        assert subject in keyring._keys
        keyring._keys.clear()
        keyring.erased.add(subject)
        keyring.offer(subject, b"\0" * 40, "any")
        assert subject not in keyring._keys
    finally:
        app.close()


def test_a_process_that_forgets_whose_key_seals_a_record_still_seals(sh: Shell, monkeypatch) -> None:
    """A reading process forgets the records it read once it holds SUBJECTS_READ_KEPT of them
    (memory flat over the whole log); a record it writes is sealed with its child's key all the
    same: looked up again, or kept apart when the process made it (an import's new records)."""
    from plantrail.store import sealing
    from tests.support import open_app

    monkeypatch.setattr(sealing, "SUBJECTS_READ_KEPT", 1)
    plan = record_child(sh)
    app = open_app(sh.url)
    try:
        for record in app.recorder.select_records([UUID(plan)]).values():
            [app.mapper.to_domain_event(e) for e in record]  # read: remembered, then forgotten
        sealer = app.mapper.sealer
        assert len(sealer._read) <= 1
    finally:
        app.close()
    sh.ok("action", "add", plan, "--area", "health", "--need", "Yolanthe's second need", "--response", "visits",
          "--frequency", "weekly", "--responsible", "health visitor", "--starts", "2026-03-09", "--outcome", "thrives",
          actor="sw1")
    lines = [
        {"command": "child add", "as": "sw1", "args": {"child_ref": "K901", "name": "Zebedia Quorn",
                                                       "born": "2020-01-01"}},
        {"command": "plan open", "as": "sw1", "args": {"child_ref": "K901", "kind": "child-in-need",
                                                       "aim": "Zebedia's secret aim", "on": "2026-03-02"}},
        {"command": "action add", "as": "sw1", "args": {"plan_id": "$2", "area": "health", "need": "Quietly fed",
                                                        "response": "visits", "frequency": "weekly",
                                                        "responsible": "HV", "starts": "2026-03-12",
                                                        "outcomes": ["grows"]}}]
    (sh.cwd / "batch.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    sh.ok("import", "batch.jsonl", actor="sw1")
    stored = log_rows(sh.url)
    for secret in ("second need", "Zebedia", "secret aim", "Quietly fed"):
        assert secret.encode() not in stored, secret


def _sealed_as_json(event: object, subject: UUID, keyring: object) -> bytes:
    """How events were sealed before the binary box (until 2026-12-07): JSON with the key's
    hex id first and the box in base64. Stores hold such events for ever."""
    import binascii
    import os

    from plantrail.store import sealing

    plain, whole = sealing._plain_of(type(event))
    kept = event.model_dump_json(include=plain).encode()  # type: ignore[attr-defined]
    personal = b"{}" if whole else event.model_dump_json(exclude=plain).encode()  # type: ignore[attr-defined]
    nonce = os.urandom(12)
    box = keyring.key_for_new(subject.hex).encrypt(  # type: ignore[attr-defined]
        nonce, personal, sealing._aad(event.originator_id, event.originator_version))  # type: ignore[attr-defined]
    return b"".join((b'{"_key":"', subject.hex.encode(), b'",', kept[1:-1], b',"_box":"',
                     binascii.b2a_base64(nonce + box, newline=False), b'"}'))


def test_events_sealed_before_the_binary_box_open_and_erase_as_ever(sh: Shell, monkeypatch) -> None:
    """A store written before the binary box holds its events as JSON with a base64 box; the
    log is never rewritten, so they must open, come with their key in one round trip, verify,
    and erase as the binary ones do. Later events of the same plan are sealed the new way."""
    from plantrail.projections.current import current_plan
    from plantrail.store import mapper, sealing
    from tests.support import open_app

    with monkeypatch.context() as old_days:
        old_days.setattr(mapper, "seal", _sealed_as_json)
        plan = record_child(sh)
    app = open_app(sh.url)
    states = [e.state for e in app.recorder.select_events(UUID(plan))]
    app.close()
    assert states and all(s.startswith(sealing.SEALED_PREFIX) for s in states)
    sh.ok("visit", "record", plan, "--on", "2026-03-20", actor="sw1")  # sealed in the binary box
    app = open_app(sh.url)
    try:
        states = [e.state for e in app.recorder.select_events(UUID(plan))]
        assert states[-1].startswith(sealing.SEALED) and states[0].startswith(sealing.SEALED_PREFIX)
        keyring = app.recorder.keyring
        keyring.check()
        keyring._keys.clear()
        asked: list[object] = []
        real = keyring._rows
        monkeypatch.setattr(keyring, "_rows", lambda subjects: asked.append(subjects) or real(subjects))
        assert current_plan(app, plan)["aim"] == AIM
        assert len(asked) == (0 if isinstance(parse_url(sh.url), PostgresURL) else 1)
        if isinstance(parse_url(sh.url), PostgresURL):  # the old box's key id read in SQL as the child's id
            from plantrail.domain.child import child_id

            current_plan(app, plan, reader="sw1")
            assert child_id("K900") in app.read_ahead
    finally:
        app.close()
    assert NEED in sh.ok("show", plan, "--json", actor="sw1").out
    stored = log_rows(sh.url)
    for secret in (NAME, AIM, NEED, "Yolanthe"):
        assert secret.encode() not in stored, secret
    assert sh.ok("verify").code == 0
    sh.ok("erase", "request", "K900", "--reason", "court order", "--authority", "Order 2026/31", actor="ro1")
    sh.ok("erase", "approve", "K900", actor="tm2")
    shown = sh.ok("show", plan, "--json", actor="tm1").json()
    assert shown["erased"] is True and shown["kind"] == "child-in-need" and AIM not in json.dumps(shown)
    assert sh.ok("verify").code == 0


def test_a_binary_box_cut_short_or_altered_is_a_clear_refusal() -> None:
    """A sealed state altered in the database (cut short, a length that overruns it, another
    box) is the key problem `verify` then explains, never a traceback."""
    import pytest
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from plantrail.store.kek import KekProblem
    from plantrail.store.sealing import SEALED, Opener

    class OneKey:
        def key(self, subject: str) -> AESGCM:
            return AESGCM(b"k" * 32)

    subject = secrets.token_bytes(16)
    for state in (SEALED + subject[:5], SEALED + subject + b"\xff\xff\xff\xff{}",
                  SEALED + subject + b"\x00\x00\x00\x02{}" + b"n" * 12 + b"not the box's tag"):
        with pytest.raises(KekProblem, match="does not open with its child's key"):
            Opener(OneKey()).open(state, UUID(int=7), 1)  # type: ignore[arg-type]


def _key_rows(url: str) -> set[str]:
    parsed = parse_url(url)
    if isinstance(parsed, SQLiteURL):
        import sqlite3

        conn = sqlite3.connect(parsed.path)
        try:
            return {row[0] for row in conn.execute("SELECT subject_id FROM data_keys")}
        finally:
            conn.close()
    with psycopg.connect(**parsed.connect_kwargs()) as conn:  # type: ignore[union-attr]
        return {row[0] for row in conn.execute(f'SELECT subject_id FROM "{parsed.schema}".data_keys')}


def test_a_refused_save_leaves_no_key_behind_on_postgresql(sh: Shell) -> None:
    """On PostgreSQL a new child's key is saved in the save's own statement: a batch refused at
    its save (a child already in the store) leaves no key for the children it would have
    added. (SQLite saves keys in a transaction of their own first: a key left so is used
    again when the child is added.)"""
    from plantrail.domain.child import child_id

    record_child(sh)
    before = _key_rows(sh.url)
    lines = [{"command": "child add", "as": "sw1", "args": {"child_ref": ref, "name": "Quorra Vell", "born": "2020-01-01"}}
             for ref in ("K910", "K911", "K900")]
    (sh.cwd / "again.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert sh("import", "again.jsonl", actor="sw1").code == 1
    left = _key_rows(sh.url) - before
    on_postgres = isinstance(parse_url(sh.url), PostgresURL)
    assert left == (set() if on_postgres else {child_id("K910").hex, child_id("K911").hex})
    sh.ok("child", "add", "K910", "--name", "Quorra Vell", "--born", "2020-01-01", actor="sw1")
    assert "Quorra Vell" in sh.ok("child", "show", "K910", "--json", actor="sw1").out


def test_a_key_another_process_saved_first_is_used_and_nothing_is_lost(sh: Shell, monkeypatch) -> None:
    """A child's key saved by another process between this one's look and its save (here: the
    look is made to miss once): the save is refused whole, the command decided again with the
    key the store holds, and the child's record opens."""
    from plantrail.domain.child import child_id
    from plantrail.store.keys import Keyring

    record_child(sh)  # (its key is the one every command opens first, to check the KEK)
    subject = child_id("K920").hex
    key_saved_alone(sh.url, subject)  # "another process" makes and saves the child's key first
    real = Keyring._rows
    missed: list[str] = []

    def look(self: Keyring, subjects: object) -> dict[str, tuple[bytes, str]]:
        rows = real(self, subjects)  # type: ignore[arg-type]
        if subject in rows and not missed:  # (one key or all of them: the look misses it once)
            missed.append(rows.pop(subject) and subject)
        return rows

    monkeypatch.setattr(Keyring, "_rows", look)
    sh.ok("child", "add", "K920", "--name", "Quillon Marsh", "--born", "2020-01-01", actor="sw1")
    assert missed == [subject]
    assert "Quillon Marsh" in sh.ok("child", "show", "K920", "--json", actor="sw1").out
    assert sh.ok("verify").code == 0


def test_a_save_takes_only_the_keys_its_events_are_sealed_with(sh: Shell) -> None:
    """An import seals the next batch while this one saves: a key made for the next batch stays
    for the save of the events it seals (were it saved, or lost to another process, with this
    batch, the next could be stored sealed with a key the store never held)."""
    from plantrail.domain.child import child_id
    from tests.support import open_app

    record_child(sh)
    app = open_app(sh.url)
    try:
        keyring = app.recorder.keyring
        now, later = child_id("K930").hex, child_id("K931").hex
        keyring.key_for_new(now), keyring.key_for_new(later)
        taken = keyring.take_pending({now, child_id("K900").hex})
        assert [subject for subject, _, _ in taken] == [now] and set(keyring._pending) == {later}
        keyring.return_pending(taken, lost=False)  # the save failed: saved with the next try
        assert set(keyring._pending) == {now, later}
    finally:
        app.close()


def test_an_import_asks_for_its_new_childrens_keys_a_batch_at_a_time(sh: Shell, tmp_path: Path,
                                                                    monkeypatch) -> None:
    """An import's batch of new children: their keys asked for together (one query a few
    hundred), never every key of the store (which, with hundreds of thousands of children, cost
    an import seconds and hundreds of megabytes); a child whose key the store already holds
    (saved by another process, no events yet) is sealed with that key."""
    from plantrail.domain.child import child_id
    from plantrail.store.keys import Keyring
    from tests.support import open_app

    record_child(sh)
    held = child_id("K1").hex
    saved = {held: key_saved_alone(sh.url, held)}  # "another process" saved K1's key and nothing else
    lines = tmp_path / "children.jsonl"
    lines.write_text("".join(json.dumps({"command": "child add", "as": "sw1", "args": {
        "child_ref": f"K{n}", "name": f"Child {n}", "born": "2019-01-10"}}) + "\n" for n in range(60)))
    asked: list[int] = []
    real = Keyring._rows
    monkeypatch.setattr(Keyring, "_rows", lambda self, subjects: asked.append(
        -1 if subjects is None else len(list(subjects))) or real(self, subjects))
    sh.ok("import", str(lines))
    assert -1 not in asked and max(asked) == 60  # the batch's children at once, never every key
    app = open_app(sh.url)
    try:
        assert app.recorder.keyring._rows([held]) == saved  # K1's key is the one the store held
    finally:
        app.close()
    assert "Child 1" in sh.ok("child", "show", "K1", "--json", actor="sw1").out  # (it opens K1's events)
    assert sh.ok("verify").code == 0
