"""The Children in Need census export against the DfE's rules, as the public package
``csc-validator-be-cin`` implements them (an optional test extra, ``census``)."""

from __future__ import annotations

from uuid import UUID

import pytest
from plantrail_exports_testkit import (
    NOT_HELD,
    examples_store,
    hand_made_store,
    is_plan_rule,
    known_artefacts,
    validate,
    varied_store,
)

from plantrail.projections.exports.census import census_return, census_xml, collection_period

# --------------------------------------------------------------------------- the DfE's rules

cin_validator = pytest.importorskip(
    "cin_validator",
    reason="the DfE rules come from csc-validator-be-cin: pip install -e '.[census]' (optional test extra)",
)


def _assert_plan_rules_pass(xml: str, year: int, ruleset: str) -> None:
    broken = {code for code in validate(xml, ruleset) if is_plan_rule(code)}
    known = known_artefacts(xml, year)
    unexplained = broken - set(NOT_HELD) - set(known)
    assert not unexplained, f"DfE plan rules broken: {sorted(unexplained)}\n{xml}"


def test_seeds_examples_pass_the_dfe_plan_rules(tmp_path) -> None:
    app = examples_store(f"sqlite:///{tmp_path / 'examples.sqlite'}")
    try:
        _assert_plan_rules_pass(census_xml(app, 2025), 2025, "cin2024_25")
    finally:
        app.close()


def test_hand_made_histories_pass_the_dfe_plan_rules(tmp_path) -> None:
    app = hand_made_store(f"sqlite:///{tmp_path / 'hand.sqlite'}")
    try:
        xml = census_xml(app, 2025, lea="201")
        assert known_artefacts(xml, 2025) == {}
        broken = {code for code in validate(xml, "cin2024_25") if is_plan_rule(code)}
        assert broken <= set(NOT_HELD), sorted(broken)
        _assert_plan_rules_pass(census_xml(app, 2024), 2024, "cin2023_24")
    finally:
        app.close()


def test_without_recorded_codes_8805_and_8866_fire_because_no_code_was_recorded(tmp_path) -> None:
    """The hand-made histories record no census codes: every closure in the year lacks its
    ReasonForClosure (8805) and every referral its ReferralSource (8866). Nothing is invented."""
    app = hand_made_store(f"sqlite:///{tmp_path / 'hand.sqlite'}")
    try:
        xml = census_xml(app, 2025, lea="201")
        assert "<ReferralSource>" not in xml and "<ReasonForClosure>" not in xml
        broken = {code for code in validate(xml, "cin2024_25") if is_plan_rule(code)}
        assert broken == set(NOT_HELD), sorted(broken)
    finally:
        app.close()


# Rules about the census codes: valid reason for closure (8640) and primary need (8650),
# a reason only with a closure date (8810), no plan after "closed after assessment" (2990),
# and the two that fire when no code is recorded (8805, 8866).
CODE_RULES = {"8640", "8650", "8810", "2990", "8805", "8866"}


@pytest.mark.parametrize("seed", [1, 4, 5, 11])
def test_varied_stores_recording_the_census_codes_pass_the_code_rules(tmp_path, seed: int) -> None:
    app = varied_store(f"sqlite:///{tmp_path / 'coded.sqlite'}", seed, children=8, codes=True)
    try:
        for year, ruleset in ((2024, "cin2023_24"), (2025, "cin2024_25")):
            xml = census_xml(app, year)
            assert "<ReferralSource>" in xml and "<PrimaryNeedCode>" in xml
            broken = validate(xml, ruleset)
            assert not broken & CODE_RULES, f"{sorted(broken & CODE_RULES)}\n{xml}"
            plan_rules = {code for code in broken if is_plan_rule(code)}
            assert plan_rules <= set(known_artefacts(xml, year)), sorted(plan_rules)  # NOT_HELD no longer needed
    finally:
        app.close()


@pytest.mark.parametrize("seed", [1, 4, 5, 11])
def test_varied_stores_pass_the_dfe_plan_rules(tmp_path, seed: int) -> None:
    """Stores that record no census codes: the plan rules pass but for 8805 and 8866 (NOT_HELD)."""
    app = varied_store(f"sqlite:///{tmp_path / 'varied.sqlite'}", seed, children=8)
    try:
        for year, ruleset in ((2024, "cin2023_24"), (2025, "cin2024_25")):
            xml = census_xml(app, year)
            _assert_plan_rules_pass(xml, year, ruleset)
            # Every plan the census should carry is there, and nothing else: a plan with
            # no referral is left out, and said so on a line of its own.
            data = census_return(app, year)
            reported = {p for c in data.children for e in c.episodes for p in e.plan_ids}
            start, end = collection_period(year)
            expected, unreferred = set(), set()
            for plan_id in app.plan_ids():
                s = app.plan(plan_id).state
                if s.referred is None:
                    unreferred.add(str(plan_id)) if s.opened_on <= end else None
                elif s.referred <= end and (s.closed_on is None or s.closed_on >= start):
                    expected.add(UUID(str(plan_id)))
            assert reported == expected
            assert {n.split()[3] for n in data.notes if "no referral" in n} == unreferred
    finally:
        app.close()
