"""The census codes in the CIN census XML: written only when the social worker recorded
them, in the DfE's element order, and never invented."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from plantrail_exports_testkit import JUNE_2025, staffed

from plantrail.projections.exports.census import census_xml

# The DfE specification's order of a CINdetails block.
ORDER = ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure",
         "DateOfInitialCPC", "ReferralNFA", "Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"]


def _episodes(xml: str) -> dict[str, list[ET.Element]]:
    root = ET.fromstring(xml.encode())
    return {c.findtext("ChildIdentifiers/LAchildID"): c.findall("CINdetails") for c in root.iter("Child")}


def _fields(cin: ET.Element) -> dict[str, str | None]:
    return {e.tag: e.text for e in cin if not len(e)}


def test_codes_are_written_where_recorded_and_left_out_where_not(store_url: str) -> None:
    app, _ = staffed(store_url, JUNE_2025)
    try:
        for ref in ("CODED", "BARE", "LATE", "FROMINITIAL"):
            app.register_child("sw1", ref, name=ref.title(), born=date(2015, 1, 1), sex="F", on=date(2024, 1, 2))
        coded = app.open_plan("sw1", "CODED", kind="child-in-need", aim="Safe.", referred=date(2024, 5, 1),
                              referral_source="3B", primary_need="N4", on=date(2024, 5, 6))
        app.close_plan("tm1", coded, reason="needs met", closure_reason="RC7", on=date(2024, 12, 2))
        bare = app.open_plan("sw1", "BARE", kind="child-in-need", aim="Safe.", referred=date(2024, 5, 1),
                             on=date(2024, 5, 6))
        app.close_plan("tm1", bare, reason="needs met", on=date(2024, 12, 2))
        # Closed after the reference date: no closure as at it, so no reason (DfE 8810).
        late = app.open_plan("sw1", "LATE", kind="child-in-need", aim="Safe.", referred=date(2024, 5, 1),
                             referral_source="6", on=date(2024, 5, 6))
        app.close_plan("tm1", late, reason="moved away", closure_reason="RC5", on=date(2025, 4, 14))
        # A Child's Plan replacing an Initial Plan carries on the Initial Plan's referral and need.
        initial = app.open_plan("sw1", "FROMINITIAL", kind="initial", aim="Support.", referred=date(2024, 4, 22),
                                referral_source="2A", primary_need="N5", on=date(2024, 4, 29))
        app.open_plan("sw1", "FROMINITIAL", kind="child-in-need", aim="Support.", replaces=str(initial),
                      on=date(2024, 6, 3))

        episodes = _episodes(census_xml(app, 2025))
        cin = episodes["CODED"][0]
        assert [e.tag for e in cin] == [t for t in ORDER if cin.find(t) is not None]
        assert _fields(cin) == {"CINreferralDate": "2024-05-01", "ReferralSource": "3B", "PrimaryNeedCode": "N4",
                                "CINclosureDate": "2024-12-02", "ReasonForClosure": "RC7", "ReferralNFA": "false"}
        assert _fields(episodes["BARE"][0]) == {"CINreferralDate": "2024-05-01", "CINclosureDate": "2024-12-02",
                                                "ReferralNFA": "false"}
        assert _fields(episodes["LATE"][0]) == {"CINreferralDate": "2024-05-01", "ReferralSource": "6",
                                                "ReferralNFA": "false"}
        assert _fields(episodes["FROMINITIAL"][0]) == {"CINreferralDate": "2024-04-22", "ReferralSource": "2A",
                                                       "PrimaryNeedCode": "N5", "ReferralNFA": "false"}
    finally:
        app.close()
