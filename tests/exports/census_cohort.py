"""A cohort of children that covers every block of the CIN census (2024 to 2025), recorded
through the application as a local authority would: referrals (one with no further
action), assessments (authorised, and one still open), Section 47 enquiries (a
conference held, one not required, one open), child in need and child protection plans
with reviews, a looked-after child's Care Plan, a plan from before referrals were
recorded, a child who died, every disability code, UPNs, a former UPN and the reasons a
UPN is not held. Beside them, what the census leaves out: a referral with no further
action before the year, a Scottish child, a plan withdrawn as opened in error, a child
whose reference is not a DfE LA child id."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from plantrail_exports_testkit import staffed

NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)
SW, TM, RC, RO = "sw1", "tm1", "rc1", "ro1"


def cohort_store(url: str) -> Any:
    app, _ = staffed(url, NOW)
    reg, refer, assess, s47 = app.register_child, app.record_referral, app.record_assessment, app.record_enquiry
    opened = date(2023, 1, 2)

    # NFA1: a referral that went no further; UN7 says why no UPN is held.
    reg(SW, "NFA1", name="Ann Nfa", born=date(2016, 5, 5), sex="F", ethnicity="WBRI", disabilities=["NONE"],
        upn_unknown="UN7", on=opened)
    refer(SW, "NFA1", on=date(2024, 6, 3), source="1A", nfa=True)

    # CIN1: assessed, a child in need plan reviewed and closed (RC7); a UPN and a former UPN.
    reg(SW, "CIN1", name="Bob Cin", born=date(2012, 7, 9), sex="M", upn="P201123456789",
        former_upn="A201000000001", ethnicity="MWBC", disabilities=["MOB", "HAND"], on=opened)
    refer(SW, "CIN1", on=date(2024, 5, 6), source="2A", primary_need="N4")
    assess(SW, "CIN1", started=date(2024, 5, 6), authorised=date(2024, 5, 20), factors=["3B", "4B"])
    p = app.open_plan(SW, "CIN1", kind="child-in-need", aim="Safe and well at home.", referred=date(2024, 5, 6),
                      on=date(2024, 6, 3))
    app.hold_review(RC, p, kind="child-in-need", on=date(2024, 9, 2), chair=RC)
    app.close_plan(TM, p, reason="needs met", closure_reason="RC7", on=date(2025, 1, 15))

    # CP1: a Section 47 enquiry whose initial conference starts a child protection plan,
    # reviewed, and closed in the year.
    reg(SW, "CP1", name="Cat Cp", born=date(2018, 3, 3), sex="F", upn="J201987654321", ethnicity="AIND",
        disabilities=["PC", "INC"], on=opened)
    refer(SW, "CP1", on=date(2024, 7, 1), source="6", primary_need="N1")
    assess(SW, "CP1", started=date(2024, 7, 1), authorised=date(2024, 7, 12), factors=["18C"])
    s47(SW, "CP1", started=date(2024, 7, 2), icpc_required=True, icpc=date(2024, 7, 15))
    p = app.open_plan(SW, "CP1", kind="child-protection", category="physical", aim="Safe at home.",
                      referred=date(2024, 7, 1), on=date(2024, 7, 15))
    app.hold_review(RC, p, kind="initial-cp-conference", on=date(2024, 7, 15), chair=RC)
    app.hold_review(RC, p, kind="cp-review-conference", on=date(2024, 10, 14), chair=RC)
    app.close_plan(TM, p, reason="risk reduced", closure_reason="RC7", on=date(2025, 2, 10))

    # S47NR: an enquiry that needed no conference; a child in need plan open at the year's end.
    reg(SW, "S47NR", name="Dan Nr", born=date(2014, 1, 20), sex="M", upn_unknown="UN5", ethnicity="BAFR",
        disabilities=["COMM", "LD"], on=opened)
    refer(SW, "S47NR", on=date(2024, 9, 2), source="3A", primary_need="N2")
    assess(SW, "S47NR", started=date(2024, 9, 2), authorised=date(2024, 9, 20), factors=["6A"])
    s47(SW, "S47NR", started=date(2024, 9, 3), icpc_required=False)
    app.open_plan(SW, "S47NR", kind="child-in-need", aim="Support at home.", referred=date(2024, 9, 2),
                  on=date(2024, 10, 1))

    # LAC1: a looked-after child, reported as a child in need.
    reg(SW, "LAC1", name="Eve Lac", born=date(2011, 8, 8), sex="F", upn="Z201555555555", ethnicity="CHNE",
        disabilities=["HEAR", "VIS"], on=opened)
    refer(SW, "LAC1", on=date(2024, 8, 5), source="5A", primary_need="N1")
    assess(SW, "LAC1", started=date(2024, 8, 5), authorised=date(2024, 8, 16), factors=["1B", "2B"])
    app.open_plan(SW, "LAC1", kind="care-plan", aim="Long-term foster care.", aim_option=6,
                  referred=date(2024, 8, 5), on=date(2024, 8, 19))

    # DIED1: a child in need plan closed the day the child died (RC2 with the date of death).
    reg(SW, "DIED1", name="Fay Died", born=date(2009, 4, 4), sex="F", upn="Y886123456780", ethnicity="OOTH",
        disabilities=["BEH", "CON", "AUT", "DDA"], on=opened)
    refer(SW, "DIED1", on=date(2024, 10, 7), source="3E", primary_need="N2")
    assess(SW, "DIED1", started=date(2024, 10, 7), authorised=date(2024, 10, 18), factors=["6A"])
    p = app.open_plan(SW, "DIED1", kind="child-in-need", aim="Care at home.", referred=date(2024, 10, 7),
                      on=date(2024, 11, 4))
    app.close_plan(TM, p, reason="died", closure_reason="RC2", on=date(2025, 2, 3))
    app.correct_child(RO, "DIED1", fields={"died": "2025-02-03"}, reason="date of death from the hospital")

    # OPEN1: referred in March; the assessment and the enquiry are still open at the year's end.
    reg(SW, "OPEN1", name="Gus Open", born=date(2022, 2, 2), sex="M", upn_unknown="UN1", ethnicity="REFU",
        disabilities=["NONE"], on=opened)
    refer(SW, "OPEN1", on=date(2025, 3, 3), source="8", primary_need="N5")
    assess(SW, "OPEN1", started=date(2025, 3, 10))
    s47(SW, "OPEN1", started=date(2025, 3, 24))

    # OLD1: a plan from before referrals were recorded, its referral and codes on the plan.
    reg(SW, "OLD1", name="Hal Old", born=date(2013, 6, 6), sex="M", upn_unknown="UN2", ethnicity="WOTH",
        disabilities=["NONE"], on=opened)
    p = app.open_plan(SW, "OLD1", kind="child-in-need", aim="Support.", referred=date(2024, 4, 15),
                      referral_source="4", primary_need="N3", on=date(2024, 4, 22))
    app.close_plan(TM, p, reason="order made", closure_reason="RC3", on=date(2024, 9, 30))

    # AGAIN1: a child protection plan before the year (counted in NumberOfPreviousCPP), a
    # referral with no further action before the year (not reported, DfE 8569Q), and a
    # second child protection plan in the year.
    reg(SW, "AGAIN1", name="Ivy Again", born=date(2015, 9, 9), sex="F", upn_unknown="UN6", ethnicity="WIRT",
        disabilities=["NONE"], on=opened)
    refer(SW, "AGAIN1", on=date(2023, 5, 1), source="3B", primary_need="N1")
    p = app.open_plan(SW, "AGAIN1", kind="child-protection", category="neglect", aim="Safe.",
                      referred=date(2023, 5, 1), on=date(2023, 5, 15))
    app.hold_review(RC, p, kind="initial-cp-conference", on=date(2023, 5, 15), chair=RC)
    app.close_plan(TM, p, reason="risk reduced", closure_reason="RC7", on=date(2023, 12, 1))
    refer(SW, "AGAIN1", on=date(2024, 2, 1), source="1B", nfa=True)
    refer(SW, "AGAIN1", on=date(2024, 11, 4), source="6", primary_need="N1")
    assess(SW, "AGAIN1", started=date(2024, 11, 4), authorised=date(2024, 11, 15), factors=["17A", "3C"])
    s47(SW, "AGAIN1", started=date(2024, 11, 5), icpc_required=True, icpc=date(2024, 11, 18))
    p = app.open_plan(SW, "AGAIN1", kind="child-protection", category="emotional", aim="Safe.",
                      referred=date(2024, 11, 4), on=date(2024, 11, 18))
    app.hold_review(RC, p, kind="initial-cp-conference", on=date(2024, 11, 18), chair=RC)
    app.hold_review(RC, p, kind="cp-review-conference", on=date(2025, 2, 17), chair=RC)

    # SIB1-SIB4: siblings referred together, no further action. (The validator 0.1.13's
    # 2887Q counts the children whose disability is NONE, not the codes used besides it: a
    # return with fewer than 8 such children breaks it. docs/exports.md says so.)
    for n, born in enumerate((date(2012, 1, 1), date(2014, 2, 2), date(2017, 3, 3), date(2020, 4, 4)), start=1):
        reg(SW, f"SIB{n}", name=f"Sib {n}", born=born, sex="MF"[n % 2], upn_unknown="UN7", ethnicity="MOTH",
            disabilities=["NONE"], on=opened)
        refer(SW, f"SIB{n}", on=date(2024, 12, 2), source="9", nfa=True)

    # Left out: a Scottish child; a plan withdrawn as opened in error; a reference with a hyphen.
    reg(SW, "SCOT2", name="Jo Scot", born=date(2014, 4, 4), sex="F", nation="scotland", on=opened)
    refer(SW, "SCOT2", on=date(2024, 6, 3), source="2A", primary_need="N4")
    wrong = app.open_plan(SW, "CIN1", kind="child-in-need", aim="Opened on the wrong child.",
                          referred=date(2024, 5, 6), on=date(2025, 2, 3))
    app.withdraw_plan(RO, wrong, reason="opened on the wrong child")
    reg(SW, "BAD-ID", name="Kit Bad", born=date(2016, 6, 6), sex="M", upn_unknown="UN5", ethnicity="WBRI",
        disabilities=["NONE"], on=opened)
    refer(SW, "BAD-ID", on=date(2024, 6, 10), source="2A", nfa=True)
    return app
