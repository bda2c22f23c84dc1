"""The retention schedule's edge dates (DOMAIN.md, "Keeping records"), and `retention due`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plantrail.domain.errors import BadInput
from plantrail.domain.retention import Period, retain_until
from plantrail.projections.retention import load_schedule
from tests.support import Shell, staffed

DEFAULT = load_schedule()
BORN = date(2001, 6, 15)


def test_a_looked_after_childs_record_is_kept_to_the_75th_birthday() -> None:
    kept = retain_until(DEFAULT, BORN, None, [Period("care-plan", date(2015, 1, 1))])
    assert kept.retain_until == date(2076, 6, 15) and kept.rule == "looked-after: 75th birthday"


def test_a_looked_after_child_born_on_29_february_is_kept_to_1_march() -> None:
    kept = retain_until(DEFAULT, date(2004, 2, 29), None, [Period("care-plan", date(2015, 1, 1))])
    assert kept.retain_until == date(2079, 3, 1)


def test_an_early_death_keeps_the_record_15_years_from_the_death() -> None:
    died = date(2012, 3, 4)  # aged 10
    kept = retain_until(DEFAULT, BORN, died, [Period("care-plan", date(2012, 3, 4))])
    assert kept.retain_until == date(2027, 3, 4) and "15 years after a death before the 18th birthday" in kept.rule


def test_a_death_on_the_18th_birthday_is_not_early() -> None:
    kept = retain_until(DEFAULT, BORN, date(2019, 6, 15), [Period("care-plan", date(2019, 6, 15))])
    assert kept.retain_until == date(2076, 6, 15)
    kept = retain_until(DEFAULT, BORN, date(2019, 6, 14), [Period("care-plan", date(2019, 6, 14))])
    assert kept.retain_until == date(2034, 6, 14)


def test_child_in_need_and_protection_default_to_the_25th_birthday() -> None:
    for kind in ("child-in-need", "child-protection", "initial"):
        kept = retain_until(DEFAULT, BORN, None, [Period(kind, date(2010, 1, 1))])
        assert kept.retain_until == date(2026, 6, 15), kind
        assert kept.rule.endswith("25th birthday")
    assert retain_until(DEFAULT, BORN, None, []).retain_until == date(2026, 6, 15)  # no plan: child in need


def test_the_longest_rule_of_a_childs_plans_keeps_the_record() -> None:
    kept = retain_until(DEFAULT, BORN, None, [Period("child-in-need", date(2010, 1, 1)),
                                              Period("care-plan", date(2012, 1, 1))])
    assert kept.rule == "looked-after: 75th birthday"


def test_an_open_plan_keeps_the_record() -> None:
    assert retain_until(DEFAULT, BORN, None, [Period("child-in-need", None)]).retain_until is None


def test_an_authoritys_own_periods(tmp_path: Path) -> None:
    schedule = tmp_path / "schedule.toml"
    schedule.write_text("[child-protection]\nuntil_age = 30\n\n[child-in-need]\nyears_after_closure = 6\n")
    mine = load_schedule(schedule)
    assert retain_until(mine, BORN, None, [Period("child-protection", date(2010, 1, 1))]).retain_until \
        == date(2031, 6, 15)
    kept = retain_until(mine, BORN, None, [Period("child-in-need", date(2020, 2, 29))])
    assert kept.retain_until == date(2026, 3, 1) and kept.rule == "child-in-need: 6 years after the last plan closed"
    # both given: the later date
    schedule.write_text("[child-in-need]\nuntil_age = 25\nyears_after_closure = 2\n")
    both = load_schedule(schedule)
    assert retain_until(both, BORN, None, [Period("child-in-need", date(2025, 1, 1))]).retain_until \
        == date(2027, 1, 1)
    assert retain_until(both, BORN, None, [Period("child-in-need", date(2020, 1, 1))]).retain_until \
        == date(2026, 6, 15)


@pytest.mark.parametrize("text", ["[child-in-ned]\nuntil_age = 25\n", "[child-in-need]\nuntil_ag = 25\n",
                                  "[child-in-need]\nuntil_age = -1\n", "not toml ["])
def test_a_bad_schedule_is_refused(tmp_path: Path, text: str) -> None:
    schedule = tmp_path / "bad.toml"
    schedule.write_text(text)
    with pytest.raises(BadInput):
        load_schedule(schedule)


def test_retention_due_lists_the_children_past_it(sh: Shell, tmp_path: Path) -> None:
    staffed(sh)
    sh.ok("child", "add", "OLD1", "--name", "Old One", "--born", "1990-01-10", actor="sw1")
    sh.ok("child", "add", "YOUNG", "--name", "Young One", "--born", "2020-01-10", actor="sw1")
    sh.ok("child", "add", "DIED", "--name", "Died Young", "--born", "2000-01-10", "--died", "2005-02-01",
          actor="sw1")
    plan = sh.ok("plan", "open", "DIED", "--kind", "care-plan", "--on", "2004-01-01", "--aim", "adoption", "--aim-option", "5",
                 actor="sw1").out.strip()
    sh.ok("plan", "close", plan, "--on", "2005-02-01", "--reason", "died", actor="tm1")
    due = sh.ok("retention", "due", "--on", "2020-03-01", "--json", actor="ro1").json()["children"]
    assert due == [{"child": "DIED", "retain_until": "2020-02-01",
                    "rule": "looked-after: 15 years after a death before the 18th birthday"},
                   {"child": "OLD1", "retain_until": "2015-01-10", "rule": "child-in-need: 25th birthday"}][::-1]
    assert sh.ok("retention", "due", "--on", "2015-01-10", "--json").json() == {"children": []}
    bad = sh("retention", "due", "--schedule", str(tmp_path / "missing.toml"))
    assert bad.code == 2 and "Traceback" not in bad.err
