"""A read opens its events together (one key lookup a run of one record's events), and what it
makes is exactly what opening them one by one makes — each event with an opener of its own,
nothing carried from one event to the next: sealed events, events sealed before the binary
box, plain ones (staff) and an erased child's, records interleaved as a catch-up reads them."""

from __future__ import annotations

from uuid import UUID

from tests.erasure.test_sealing import _sealed_as_json, record_child
from tests.support import Shell, open_app


def _made(events: list) -> list[tuple[str, dict]]:
    return [(type(event).__name__, event.model_dump()) for event in events]


def test_events_opened_together_are_the_events_opened_one_by_one(sh: Shell, monkeypatch) -> None:
    from plantrail.store import mapper

    plan = record_child(sh)  # K900, sealed in the binary box
    with monkeypatch.context() as old_days:
        old_days.setattr(mapper, "seal", _sealed_as_json)
        sh.ok("child", "add", "K901", "--name", "Ottoline Vance", "--born", "2019-01-02", "--sex", "F", actor="sw1")
    sh.ok("child", "add", "K902", "--name", "Perpetua Lyle", "--born", "2018-03-04", "--sex", "F", actor="sw1")
    sh.ok("visit", "record", plan, "--on", "2026-03-20", actor="sw1")  # the logs' records interleave
    sh.ok("erase", "request", "K902", "--reason", "court order", "--authority", "Order 2026/32", actor="ro1")
    sh.ok("erase", "approve", "K902", actor="tm2")
    app = open_app(sh.url)
    try:
        logged = list(app.recorder.select_notifications(start=1, limit=10_000))
        together = _made(app.mapper.to_domain_events(logged))
        one_by_one = _made([app.mapper.to_domain_event(n) for n in logged])
        assert together == one_by_one
        kinds = {kind for kind, _ in together}
        assert {"ChildRegistered", "StaffMemberRegistered", "Erased", "VisitRecorded"} <= kinds
        assert any(fields.get("name") == "Ottoline Vance" for _, fields in together)  # the old box opened
    finally:
        app.close()


def test_a_plans_read_looks_its_childs_key_up_once(sh: Shell, monkeypatch) -> None:
    plan = record_child(sh)
    sh.ok("visit", "record", plan, "--on", "2026-03-20", actor="sw1")
    app = open_app(sh.url)
    try:
        keyring = app.recorder.keyring
        asked: list[str] = []
        real = keyring.key
        monkeypatch.setattr(keyring, "key", lambda subject: asked.append(subject) or real(subject))
        record = app.repository.get(UUID(plan))
        assert record.version >= 3 and len(asked) == 1
    finally:
        app.close()
