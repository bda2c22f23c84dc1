"""Eight writers on one plan: every command lands exactly once, retried where that is safe."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from plantrail.domain.errors import BadInput, Conflict
from tests.support import open_app, stored_event_count


def staffed_plan(url: str) -> str:
    app = open_app(url)
    app.add_staff(None, "tm1", name="Tina Moss", initials="TM", roles=["team-manager"])
    app.add_staff("tm1", "sw1", name="Mary Grant", initials="MG", roles=["social-worker"])
    app.register_child("sw1", "K1", name="Karen Hawthorne", born=date(2023, 2, 1))
    plan_id = app.open_plan("sw1", "K1", kind="child-in-need", aim="Safe and well", on=date(2026, 3, 2))
    app.close()
    return str(plan_id)


def test_eight_writers_on_one_plan_lose_no_update(store_url: str) -> None:
    plan_id = staffed_plan(store_url)
    writers, each = 8, 5
    errors: list[BaseException] = []
    landed: list[str] = []
    refused: list[str] = []

    def write(n: int) -> None:
        app = open_app(store_url)
        try:
            for k in range(each):
                need = f"need {n}.{k}"
                try:
                    app.add_action("sw1", plan_id, area="health", need=need, response="r", frequency="weekly",
                                   responsible="HV", starts=date(2026, 3, 9), outcomes=["o"])
                    landed.append(need)
                except Conflict:  # "the plan changed meanwhile; run it again": nothing recorded
                    refused.append(need)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            app.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(landed) + len(refused) == writers * each
    assert len(refused) <= 2, f"retries should absorb nearly all conflicts: {len(refused)} refused"
    app = open_app(store_url)
    actions = app.plan(plan_id).state.actions
    # Every command that said it landed is there exactly once; none that was refused is.
    assert sorted(a.need for a in actions.values()) == sorted(landed)
    assert sorted(a.action_id for a in actions.values()) == sorted(f"A{i + 1}" for i in range(len(landed)))
    app.close()


def test_a_repeated_command_id_records_nothing_new(store_url: str) -> None:
    plan_id = staffed_plan(store_url)
    app = open_app(store_url)
    first = app.add_action("sw1", plan_id, area="health", need="n", response="r", frequency="weekly",
                           responsible="HV", starts=date(2026, 3, 9), outcomes=["o"], command_id="import-7")
    before = stored_event_count(app)
    again = app.add_action("sw1", plan_id, area="health", need="n", response="r", frequency="weekly",
                           responsible="HV", starts=date(2026, 3, 9), outcomes=["o"], command_id="import-7")
    assert again == first == "A1"
    assert stored_event_count(app) == before
    # The id is bound to its command: given to another command it is bad input, and nothing is recorded.
    with pytest.raises(BadInput, match="given to another command"):
        app.add_action("sw1", plan_id, area="health", need="other", response="r", frequency="weekly",
                       responsible="HV", starts=date(2026, 3, 9), outcomes=["o"], command_id="import-7")
    assert stored_event_count(app) == before
    assert app.recorded("import-7").value == "A1"
    assert [e.command_id for e in app.events_of(app.plan_id(plan_id))][-1] == "import-7"
    app.close()
