"""A save's children's keys asked for together (store/keys.py ``Keyring.look_up``): a child
found with no key yet is asked for again at the next batch, so a key another process saved
meanwhile is opened, not a second one made; and a key an erasure forgets while a query of keys
is on its way is never opened again."""

from __future__ import annotations

from plantrail.domain.child import child_id
from tests.erasure.test_sealing import record_child
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
