"""A save's children's keys asked for together (store/keys.py ``Keyring.look_up``): a child
found with no key yet is asked for again at the next batch, so a key another process saved
meanwhile is opened, not a second one made; and a key an erasure forgets while a query of keys
is on its way is never opened again; a command's new child's key made without asking, a key
the store holds for them met at the save and used."""

from __future__ import annotations

from plantrail.domain.child import child_id
from tests.erasure.test_sealing import key_saved_alone, record_child
from tests.support import Shell, open_app


def test_a_child_found_with_no_key_is_asked_for_again_at_the_next_batch(sh: Shell) -> None:
    record_child(sh)
    subject = child_id("K77").hex
    this, other = open_app(sh.url), open_app(sh.url)
    try:
        this.recorder.keyring.look_up([subject])
        assert this.recorder.keyring.key(subject) is None  # none yet
        made = other.recorder.keyring.key_for_new(subject)  # "another process" saves one meanwhile
        other.recorder.keyring.flush()
        this.recorder.keyring.look_up([subject])
        opened = this.recorder.keyring.key_for_new(subject)
        box = made.encrypt(b"\0" * 12, b"the child's content", b"")
        assert opened.decrypt(b"\0" * 12, box, b"") == b"the child's content"  # the same key, not a second
        this.recorder.keyring.flush()  # nothing of its own to save: no conflict
    finally:
        this.close()
        other.close()


def test_a_key_forgotten_while_its_query_ran_is_never_opened_again(sh: Shell, monkeypatch) -> None:
    """An erasure forgets a child's key (``Keyring.forget``) while a batch's query of keys, or a
    command's, is on its way: the key the query brings back is not opened, and nothing more is
    sealed with it."""
    import pytest

    from plantrail.store.kek import KekProblem

    record_child(sh)
    subject = child_id("K900").hex  # the recorded child: its key is in the store
    for asks in ("look_up", "key_for_new"):
        app = open_app(sh.url)
        try:
            keyring = app.recorder.keyring
            keyring._keys.pop(subject, None)
            real = keyring._rows

            def erased_meanwhile(subjects, real=real, keyring=keyring):  # type: ignore[no-untyped-def]
                rows = real(subjects)
                keyring.forget(subject)  # the erasure, between the query and its answer
                return rows

            monkeypatch.setattr(keyring, "_rows", erased_meanwhile)
            if asks == "look_up":
                keyring.look_up([subject])
            else:
                with pytest.raises(KekProblem, match="erased"):
                    keyring.key_for_new(subject)
            assert subject not in keyring._keys, asks
        finally:
            app.close()


def test_a_command_makes_a_new_childs_key_without_asking_and_uses_one_left_in_the_store(sh: Shell,
                                                                                       monkeypatch) -> None:
    """A command registering a child makes their key without a query (a round trip each new
    child); where the store holds one already (an earlier try's on SQLite, which saves keys
    first, or another process's), the save is refused, decided again with the stored key, and
    the child's record opens with it."""
    from plantrail.store.keys import Keyring

    record_child(sh)
    left = child_id("K941").hex
    stored = {left: key_saved_alone(sh.url, left)}  # an earlier try's: K941's key saved, no events
    asked: list[list[str]] = []
    real = Keyring._rows
    monkeypatch.setattr(Keyring, "_rows", lambda self, subjects: asked.append(
        sorted(subjects or ())) or real(self, subjects))
    refused: list[list[str]] = []  # the saves refused for a key the store held
    take_held = Keyring._take_held
    monkeypatch.setattr(Keyring, "_take_held", lambda self, subjects: refused.append(subjects) or take_held(
        self, subjects))
    sh.ok("child", "add", "K940", "--name", "Odile Barr", "--born", "2020-02-02", actor="sw1")
    assert not [subjects for subjects in asked if child_id("K940").hex in subjects] and refused == []
    sh.ok("child", "add", "K941", "--name", "Piet Olen", "--born", "2020-03-03", actor="sw1")
    assert refused == [[left]]  # refused once, then decided again with the key the store held
    monkeypatch.undo()
    app = open_app(sh.url)
    try:
        assert app.recorder.keyring._rows([left]) == stored  # the key the store held, not a second
    finally:
        app.close()
    assert "Piet Olen" in sh.ok("child", "show", "K941", "--json", actor="sw1").out
    assert "Odile Barr" in sh.ok("child", "show", "K940", "--json", actor="sw1").out
    assert sh.ok("verify").code == 0


def test_keys_whose_save_or_look_fails_are_kept_to_be_saved_with_the_next_try(sh: Shell, monkeypatch) -> None:
    """A save refused for a key the store holds, whose look for it then fails (a dropped
    connection), or a save of keys that fails itself: the keys made here stay to be saved with
    the next try, never left open and unsaved (events sealed with one would never open)."""
    import pytest

    from plantrail.store import view_tables

    record_child(sh)
    subject = child_id("K950").hex
    app = open_app(sh.url)
    try:
        keyring = app.recorder.keyring
        made = keyring.key_for_new(subject)
        taken = keyring.take_pending({subject})

        def dropped(*args: object, **kwargs: object) -> None:
            raise ConnectionError("the connection dropped")

        monkeypatch.setattr(keyring, "_rows", dropped)
        with pytest.raises(ConnectionError):
            keyring.return_pending(taken, lost=True)
        assert subject in keyring._pending and keyring._keys[subject] is made
        monkeypatch.undo()
        monkeypatch.setattr(view_tables, "transaction", dropped)
        with pytest.raises(ConnectionError):
            keyring.flush()
        assert subject in keyring._pending  # given back
        monkeypatch.undo()
        keyring.flush()
        assert keyring._rows([subject])[subject][0] == taken[0][1]  # the key made here, saved
    finally:
        app.close()


def test_a_writer_keeps_a_bounded_number_of_keys(sh: Shell, tmp_path, monkeypatch) -> None:
    """A process registering child after child (a service running commands, an import batch
    after batch) lets go of saved keys past KEYS_KEPT (an opened key costs ~1.3 kB: an import of
    a million new children held 1.3 GB); every child still opens, with the key the store holds."""
    import json

    from plantrail.application.imports import call_line, import_lines, numbered_lines
    from plantrail.store import keys

    record_child(sh)
    monkeypatch.setattr(keys, "KEYS_KEPT", 5)

    def child(n: int) -> dict[str, object]:
        return {"command": "child add", "as": "sw1", "args": {"child_ref": f"K{n}", "name": f"Child {n}",
                                                              "born": "2019-01-10"}}

    app = open_app(sh.url)
    try:
        for n in range(12):  # one command at a time
            call_line(app, child(n), n + 1, {})
            assert len(app.recorder.keyring._keys) <= 5
        path = tmp_path / "children.jsonl"
        path.write_text("".join(json.dumps(child(n)) + "\n" for n in range(100, 112)))
        import_lines(app, numbered_lines(str(path)), batch_size=4)  # three batches of four
        assert len(app.recorder.keyring._keys) <= 5 + 4  # at most KEYS_KEPT beyond one batch
    finally:
        app.close()
    for n in (*range(12), *range(100, 112)):
        assert f"Child {n}" in sh.ok("child", "show", f"K{n}", "--json", actor="sw1").out
    assert sh.ok("verify").code == 0
