"""Issue 27, "The practice guidance, second pass": one test a row of the issue's table, through
the command line, each citing its seed and the seed's words (CLI.md, "The practice guidance,
second pass"). The scene of each is imported in one run (``plantrail import``), and the row's own
commands are run one by one; every refusal is checked to record nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import STAFF, Shell


@pytest.fixture
def sq(tmp_path: Path) -> Shell:
    """A fresh SQLite store (the rows' rules are the domain's, the same on both stores; the
    meeting record and due test runs on PostgreSQL too)."""
    return Shell(f"sqlite:///{tmp_path / 'plantrail.sqlite'}", tmp_path)


def scene(sh: Shell, *lines: tuple[str, str, dict[str, Any]], nation: str = "england") -> list[str]:
    """The staff, a child K1 (of ``nation``) and these lines (command, as, args), imported in one
    run; returns the plan ids opened, in order. ``$N`` in args names line N of ``lines``."""
    first, *others = STAFF
    head: list[dict[str, Any]] = [{"command": "staff add", "args": {
        "staff_id": first[0], "name": first[1], "initials": first[2], "roles": [first[3]]}}]
    head += [{"command": "staff add", "as": "tm1", "args": {"staff_id": s, "name": n, "initials": i, "roles": [r]}}
             for s, n, i, r in others]
    head.append({"command": "child add", "as": "sw1", "args": {"child_ref": "K1", "name": "Karen Hawthorne",
                                                               "born": "2023-02-01", "nation": nation}})
    shift = len(head)

    def renumber(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("$") and value[1:].isdigit():
            return f"${int(value[1:]) + shift}"
        if isinstance(value, list):
            return [renumber(v) for v in value]
        return value

    body = [{"command": c, "as": actor, "args": {k: renumber(v) for k, v in args.items()}} for c, actor, args in lines]
    path = sh.cwd / "scene.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in head + body))
    sh.ok("import", str(path))
    rows = sh.ok("plans", "--child", "K1", "--json", actor="sw1").json()
    return [r["plan_id"] for r in sorted(rows, key=lambda r: r["opened_on"])]


def show(sh: Shell, plan_id: str) -> dict[str, Any]:
    return sh.ok("show", plan_id, "--json", actor="sw1").json()


def due(sh: Shell, on: str) -> set[tuple[str, str]]:
    return {(r["what"], r["due_on"]) for r in sh.ok("due", "--on", on, "--json", actor="tm1").json()}


def due_rows(sh: Shell, on: str, what: str) -> list[dict[str, Any]]:
    return [r for r in sh.ok("due", "--on", on, "--json", actor="tm1").json() if r["what"] == what]


def opened(kind: str, on: str, **more: Any) -> tuple[str, str, dict[str, Any]]:
    return ("plan open", "sw1", {"child_ref": "K1", "kind": kind, "aim": f"For Karen to thrive ({kind})",
                                 "on": on, **more})


def act(plan: str, on: str = "2026-03-05", **more: Any) -> tuple[str, str, dict[str, Any]]:
    return ("action add", "sw1", {"plan_id": plan, "area": "health", "need": "Weight below the third centile",
                                  "response": "Weekly weighing at the clinic", "frequency": "Weekly",
                                  "responsible": "Health visitor", "starts": on, "outcomes": ["Gains 4lbs"],
                                  "on": on, **more})


CP = opened("child-protection", "2026-03-02", category="neglect")
CIN = opened("child-in-need", "2026-03-02")


# ------------------------------------------------------------------ seed 004, seed 000: who chairs
def test_a_social_worker_chairs_cin_meetings_and_core_groups(sq: Shell) -> None:
    """Seed 004: "The planning meeting should be chaired by the social worker"; the social worker
    chairs later CIN meetings, the lead social worker the core group (seed 000)."""
    (plan,) = scene(sq, CP)
    r = sq.ok("review", "hold", plan, "--kind", "core-group", "--on", "2026-03-12", "--chair", "sw1", "--json",
              actor="sw1").json()
    assert r["review_id"] == "R1"
    assert show(sq, plan)["reviews"][0]["chair"] == "sw1"
    # A conference keeps its independent chair: not a social worker, nor recorded by one.
    sq.refused(1, "review", "hold", plan, "--kind", "cp-review-conference", "--on", "2026-03-20", "--chair", "sw1",
               actor="rc1")
    sq.refused(1, "review", "hold", plan, "--kind", "cp-review-conference", "--on", "2026-03-20", "--chair", "rc1",
               actor="sw1")
    sq.refused(1, "review", "hold", plan, "--kind", "core-group", "--on", "2026-03-20", "--chair", "au1", actor="sw1")


# ------------------------------------------------------------------ seed 000: CP approval, core groups
def test_a_child_protection_plan_has_its_own_approval_rule_and_the_core_group_meets_regularly(sq: Shell) -> None:
    """Seed 000: "Within 10 working days of the conference the core group appointed at the
    conference should meet to develop the plan" and "The core group should meet regularly"."""
    (plan,) = scene(sq, CP)
    approval = due_rows(sq, "2026-03-10", "plan-approval")
    assert [r["due_on"] for r in approval] == ["2026-03-16"]  # 10 working days, not the CIN rule's 7
    assert "initial conference" in approval[0]["basis"] and "CIN meeting" not in approval[0]["basis"]
    sq.ok("review", "hold", plan, "--kind", "core-group", "--on", "2026-03-12", "--chair", "sw1", actor="sw1")
    assert ("cp-core-group", "2026-04-23") in due(sq, "2026-04-20")  # the next, 6 weeks on
    sq.ok("review", "hold", plan, "--kind", "core-group", "--on", "2026-04-22", "--chair", "sw1",
          "--next-review", "2026-05-20", actor="sw1")
    assert ("cp-core-group", "2026-05-20") in due(sq, "2026-05-10")  # the date the core group set


# ------------------------------------------------------------------ seed 001: copies after approval
def test_the_approved_plan_is_copied_naming_the_version_sent(sq: Shell) -> None:
    """Seed 001: "Once the manager has approved the child's plan the social worker should send a
    copy to the family"."""
    (plan,) = scene(sq, CIN, act("$1"))
    sq.refused(1, "plan", "distribute", plan, "--to", "Ms Hawthorne", "--on", "2026-03-06", actor="sw1")
    sq.ok("plan", "approve", plan, "--on", "2026-03-06", actor="tm1")
    sq.ok("plan", "distribute", plan, "--to", "Ms Hawthorne", "--to", "Health visitor", "--on", "2026-03-09",
          actor="sw1")
    doc = show(sq, plan)
    (copy,) = doc["copies"]
    assert copy["to"] == ["Ms Hawthorne", "Health visitor"] and copy["approved_version"] == doc["approved_version"]
    assert doc["changed_since_approval"] == []


# ------------------------------------------------------------------ seed 001: signing after approval
def test_the_family_signs_the_approved_plan_without_changing_it(sq: Shell) -> None:
    """Seed 001: "the parent(s)/carer(s) and child should be encouraged to sign and date the
    child's plan" once the manager has approved it."""
    (plan,) = scene(sq, CIN, act("$1"), ("plan approve", "tm1", {"plan_id": "$1", "on": "2026-03-06"}))
    sq.ok("sign", plan, "--party", "parent", "--name", "Ms Hawthorne", "--agrees", "yes", "--on", "2026-03-09",
          actor="sw1")
    doc = show(sq, plan)
    assert doc["changed_since_approval"] == [] and doc["signatures"][0]["on"] == "2026-03-09"
    sq.refused(1, "plan", "approve", plan, actor="tm2")  # still the approved version: nothing to approve


# ------------------------------------------------------------------ seed 001: reluctance to engage
def test_a_parent_signing_without_agreeing_is_flagged_for_review(sq: Shell) -> None:
    """Seed 001: "Reluctance or unwillingness to engage with the process ... the situation should
    be reviewed ... a strategy meeting or discussion should be convened"."""
    (plan,) = scene(sq, CIN, act("$1"), ("plan approve", "tm1", {"plan_id": "$1", "on": "2026-03-06"}))
    sq.ok("sign", plan, "--party", "parent", "--name", "Ms Hawthorne", "--agrees", "no", "--on", "2026-03-09",
          actor="sw1")
    assert show(sq, plan)["not_agreeing"] == ["Ms Hawthorne"]
    (flag,) = due_rows(sq, "2026-03-12", "review-not-agreeing")
    assert flag["due_on"] == "2026-03-16" and "strategy discussion" in flag["basis"]
    sq.ok("meeting", "record", plan, "--kind", "strategy", "--on", "2026-03-13", "--attended", "Team manager",
          actor="sw1")  # "a strategy meeting or discussion should be convened by a CSC manager"
    assert not due_rows(sq, "2026-03-16", "review-not-agreeing")


# ------------------------------------------------------------------ seeds 001, 002: what every plan records
def test_plan_details_of_every_plan_and_a_lead_of_any_agency(sq: Shell) -> None:
    """Seed 001: "The possible consequences, or further action to be taken if the plan is not
    followed"; "Any referrals made to other agencies"; "Which agency/individual is responsible
    for monitoring the outcomes"; "the level of involvement of the child and her/his family".
    Seed 002: "a lead professional to co-ordinate the plan"; "led by the named person"."""
    (plan,) = scene(sq, CIN)
    sq.ok("plan", "details", plan, "--contingency", "Strategy discussion if weight falls again",
          "--monitoring", "Health visitor, weekly weights", "--involvement", "Ms Hawthorne helped write it",
          "--referrals", "Dietitian, 2026-03-04", "--referrals", "Children's centre",
          "--lead", "Dr Jane Smith, health visitor", "--on", "2026-03-05", actor="sw1")
    details = show(sq, plan)["details"]
    assert details["contingency"] == "Strategy discussion if weight falls again"
    assert details["referrals"] == ["Dietitian, 2026-03-04", "Children's centre"]
    assert details["lead"] == "Dr Jane Smith, health visitor"
    assert details["monitoring"] and details["involvement"]
    sq.refused(1, "plan", "details", plan, "--named-person", "Ms Rae, head teacher", actor="sw1")  # Scottish


def test_a_scottish_plan_records_its_named_person_reasons_partners_needs_and_resources(sq: Shell) -> None:
    """Seed 002: "a single service Child's Plan. This will be led by the named person"; "reasons
    for the plan; partners to the plan; a summary of the child or young person's needs; ...
    resources to be provided"; "revisit the Resilience Matrix ... the five key questions"."""
    (plan,) = scene(sq, opened("single-agency", "2026-03-02"), nation="scotland")
    sq.ok("plan", "details", plan, "--named-person", "Ms Rae, head teacher", "--reasons", "Attendance at 60%",
          "--partners", "School, family", "--needs-summary", "Achieving: attendance", "--resources", "Mentor",
          "--on", "2026-03-03", actor="sw1")
    assert show(sq, plan)["details"]["named_person"] == "Ms Rae, head teacher"
    sq.ok("review", "hold", plan, "--kind", "child-in-need", "--on", "2026-04-14", "--chair", "sw1",
          "--key-questions", "1-5 revisited: attendance up", "--resilience", "Vulnerability lower", actor="sw1")
    review = show(sq, plan)["reviews"][0]
    assert review["key_questions"].startswith("1-5") and review["resilience"] == "Vulnerability lower"


# ------------------------------------------------------------------ seed 002: single → multi-agency
def test_a_single_agency_plan_becomes_multi_agency_at_a_review(sq: Shell) -> None:
    """Seed 002: "When the Child's Plan requires the input of more than one service, this is a
    multi-agency Child's Plan and requires the identification of a lead professional"."""
    (plan,) = scene(sq, opened("single-agency", "2026-03-02"),
                    ("review hold", "rc1", {"plan_id": "$1", "kind": "statutory", "on": "2026-04-01",
                                            "chair": "rc1"}), nation="scotland")
    sq.ok("plan", "kind", plan, "--kind", "multi-agency", "--review", "R1", actor="rc1")
    assert ("lead-professional", "2026-04-01") in due(sq, "2026-04-02")
    sq.ok("plan", "details", plan, "--lead", "Dr Jane Smith, health visitor", "--on", "2026-04-01", actor="sw1")
    doc = show(sq, plan)
    assert doc["kind"] == "multi-agency" and doc["details"]["lead"] == "Dr Jane Smith, health visitor"
    assert "lead-professional" not in {w for w, _ in due(sq, "2026-04-02")}
    sq.refused(1, "plan", "kind", plan, "--kind", "care-plan", "--review", "R1", actor="rc1")


# ------------------------------------------------------------------ seed 002: Scottish timescales
def test_scottish_plans_and_scottish_child_protection_have_their_own_timescales(sq: Shell) -> None:
    """Seed 002: "arrangements for reviewing the plan"; a Scottish child protection plan follows
    Scotland's guidance (core group "within 15 days of the CPPM"), not England's."""
    scene(sq, opened("single-agency", "2026-03-02"), opened("child-protection", "2026-03-03",
                                                                         category="neglect"), nation="scotland")
    items = due(sq, "2026-08-25")
    assert ("childs-plan-review", "2026-09-02") in items
    assert ("cp-core-group", "2026-03-18") in items and ("review-cppm", "2026-09-03") in items
    assert not {what for what, _ in items} & {"plan-approval", "cp-review-conference"}


# ------------------------------------------------------------------ seed 004: a manager returns a plan
def test_a_manager_returns_a_plan_with_comments(sq: Shell) -> None:
    """Seed 004: "Formal plan forwarded to manager for approval ... Manager reviews and approves
    plan": or sends it back."""
    (plan,) = scene(sq, CIN, act("$1"))
    sq.refused(1, "plan", "return", plan, "--comments", "x", actor="sw1")  # team managers only
    sq.refused(2, "plan", "return", plan, actor="tm1")  # comments are needed
    sq.ok("plan", "return", plan, "--comments", "Outcomes need dates", "--on", "2026-03-06", actor="tm1")
    doc = show(sq, plan)
    assert doc["returned"][0]["comments"] == "Outcomes need dates" and doc["approved_version"] is None
    sq.refused(1, "plan", "return", plan, "--comments", "again", actor="tm2")  # this version already returned
    assert "returned for changes" in due_rows(sq, "2026-03-10", "plan-approval")[0]["basis"]
    history = sq.ok("history", plan, "--json", actor="sw1").json()
    assert "plan-returned" in {e["type"] for e in history}
    sq.ok("action", "amend", plan, "A1", "--due", "2026-04-30", "--on", "2026-03-09", actor="sw1")
    sq.ok("plan", "approve", plan, "--on", "2026-03-10", actor="tm1")


# ------------------------------------------------------------------ seed 004: reviews every six weeks
def test_cin_reviews_every_six_weeks(sq: Shell) -> None:
    """Seed 004: "The plan is then reviewed every six weeks"."""
    (plan,) = scene(sq, CIN, ("review hold", "sw1", {"plan_id": "$1", "kind": "child-in-need", "on": "2026-04-01",
                                                     "chair": "sw1", "next_review": "2026-09-01"}))
    (row,) = due_rows(sq, "2026-05-10", "cin-review")
    assert row["due_on"] == "2026-05-13" and "capped" in row["basis"]
    # A CIN meeting recorded as a meeting is the review too: the next is 6 weeks on.
    sq.ok("meeting", "record", plan, "--kind", "child-in-need", "--on", "2026-05-12", actor="sw1")
    assert ("cin-review", "2026-06-23") in due(sq, "2026-06-20")


# ------------------------------------------------------------------ seed 004: meetings and their records
def test_meetings_record_who_came_and_due_chases_the_record(sh: Shell) -> None:
    """Seed 004: "The planning meeting ... with attendees including family and involved agencies";
    "sending out a record of the meeting and a copy of the agreed plan to all who attended or who
    were invited"; the approval clock runs from the first CIN meeting (seed 001)."""
    (plan,) = scene(sh, CIN, ("plan link", "sw1", {"plan_id": "$1", "what": "assessment", "on": "2026-03-02",
                                                   "note": "Child and family assessment: further support needed"}))
    m = sh.ok("meeting", "record", plan, "--kind", "planning", "--on", "2026-03-10", "--invited", "Ms Hawthorne",
              "--invited", "Health visitor", "--attended", "Ms Hawthorne", "--apologies", "Health visitor", "--json",
              actor="sw1").json()
    assert m["meeting_id"] == "M1"
    (meeting,) = show(sh, plan)["meetings"]
    assert meeting["apologies"] == ["Health visitor"] and meeting["record_sent"] is None
    assert ("meeting-record", "2026-03-17") in due(sh, "2026-03-12")
    assert ("plan-approval", "2026-03-19") in due(sh, "2026-03-12")  # 7 working days from the meeting
    sh.refused(2, "meeting", "record-sent", plan, "M9", "--on", "2026-03-12", actor="sw1")
    sh.refused(2, "meeting", "record-sent", plan, "M1", "--on", "2026-03-09", actor="sw1")  # before it
    sh.ok("meeting", "record-sent", plan, "M1", "--on", "2026-03-12", actor="sw1")
    sh.refused(1, "meeting", "record-sent", plan, "M1", "--on", "2026-03-13", actor="sw1")
    assert not {w for w, _ in due(sh, "2026-03-12")} & {"meeting-record"}
    sh.refused(2, "meeting", "record", plan, "--kind", "picnic", "--on", "2026-03-10", actor="sw1")
    # "If necessary plan taken to resource panel for approval" (seed 004, step 7).
    sh.ok("meeting", "record", plan, "--kind", "resource-panel", "--on", "2026-03-13", "--record-sent", "2026-03-13",
          actor="sw1")
    assert [m["kind"] for m in show(sh, plan)["meetings"]] == ["planning", "resource-panel"]
    assert show(sh, plan)["linked"][0]["record"] == "assessment"
    changes = sh.ok("changes", plan, "--json", actor="sw1").json()
    assert {"meeting-recorded", "meeting-record-sent"} <= {c["type"] for c in changes["changes"]}


# ------------------------------------------------------------------ seed 000: agreed actions, dated and rated outcomes
def test_actions_agreed_by_their_agency_with_dated_outcomes_rated_one_by_one(sq: Shell) -> None:
    """Seed 000: "Any action and service provided by another agency ... should be discussed and
    agreed with the agency ... before it is included"; "Planned outcomes: progress to be achieved
    by next review or other specified date"; seed 001: outcomes "achieved in full, partially
    achieved or not achieved"."""
    (plan,) = scene(sq, CIN)
    a = sq.ok("action", "add", plan, "--area", "health", "--need", "Underweight", "--response", "Weekly weighing",
              "--frequency", "Weekly", "--responsible", "Health visitor", "--starts", "2026-03-05",
              "--outcome", "Gains 4lbs", "--outcome", "Eats three meals a day", "--agreed-by", "Health visiting",
              "--due", "2026-04-02", "--on", "2026-03-05", "--json", actor="sw1").json()["action_id"]
    sq.refused(2, "action", "add", plan, "--area", "health", "--need", "n", "--response", "r", "--frequency", "f",
               "--responsible", "p", "--starts", "2026-03-05", "--outcome", "o", "--due", "2026-03-01", actor="sw1")
    assert ("outcome-due", "2026-04-02") in due(sq, "2026-03-25")
    sq.ok("review", "hold", plan, "--kind", "child-in-need", "--on", "2026-04-10", "--chair", "sw1",
          "--rate", f"{a}.1=achieved", "--rate", f"{a}.2=partly", actor="sw1")
    sq.refused(2, "review", "hold", plan, "--kind", "child-in-need", "--on", "2026-04-11", "--chair", "sw1",
               "--rate", f"{a}.3=achieved", actor="sw1")
    (row,) = show(sq, plan)["actions"]
    assert row["agreed_by"] == "Health visiting" and row["due"] == "2026-04-02"
    assert row["outcome_ratings"] == {"1": "achieved", "2": "partly"}
    sq.ok("plan", "link", plan, "--what", "pep", "--note", "PEP joined in with the school", "--on", "2026-03-06",
          actor="sw1")  # other plans are joined in (seed 000)
    assert show(sq, plan)["linked"][0]["record"] == "pep"


# ------------------------------------------------------------------ seed 003: the looked-after child's records
def test_pep_health_assessment_core_assessment_and_permanence_plan_are_due(sq: Shell) -> None:
    """Seed 003: "a Personal Education Plan agreed within 20 school days of becoming looked
    after"; a health assessment "in time ... for discussion at the child's first review"; "a
    core assessment ... within 35 working days"; "a permanency plan must be agreed ... at their
    second (4 month) review"."""
    (plan,) = scene(sq, opened("care-plan", "2026-03-02", aim_option=6),
                    ("placement record", "sw1", {"plan_id": "$1", "on": "2026-03-02"}))
    items = due(sq, "2026-04-20")
    assert {("pep", "2026-03-30"), ("health-assessment", "2026-03-30"), ("core-assessment", "2026-04-22")} <= items
    assert ("permanence-plan", "2026-06-30") in due(sq, "2026-06-20")
    sq.ok("plan", "link", plan, "--what", "pep", "--on", "2026-03-25", actor="sw1")
    assert "pep" not in {w for w, _ in due(sq, "2026-04-20")}


# ------------------------------------------------------------------ seed 003: the aim's own timescale
def test_the_aims_own_timescale_is_flagged(sq: Shell) -> None:
    """Seed 003: "2. Return to birth family within one month"."""
    scene(sq, opened("care-plan", "2026-10-01", aim_option=2))
    (row,) = due_rows(sq, "2026-11-05", "aim-timescale")
    assert row["due_on"] == "2026-11-01" and row["overdue_days"] == 4


# ------------------------------------------------------------------ seed 003: Adoption Plan replaces Part Two
def test_an_adoption_plan_replaces_part_two(sq: Shell) -> None:
    """Seed 003: "When an Adoption Plan is in place it replaces Part Two of the Care Plan"; the
    aim changes "only ... through a statutory review"."""
    (plan,) = scene(sq, opened("care-plan", "2026-03-02", aim_option=3), act("$1"),
                    ("review hold", "rc1", {"plan_id": "$1", "kind": "statutory", "on": "2026-03-30",
                                            "chair": "rc1"}))
    sq.refused(1, "plan", "link", plan, "--what", "adoption-plan", "--on", "2026-03-31", actor="sw1")
    sq.ok("aim", "change", plan, "--review", "R1", "--aim", "Adoption", "--aim-option", "9", actor="rc1")
    sq.ok("plan", "link", plan, "--what", "adoption-plan", "--on", "2026-04-02", actor="sw1")
    assert show(sq, plan)["part_two_replaced_by"] == "adoption-plan"
    sq.refused(1, "action", "add", plan, "--area", "health", "--need", "n", "--response", "r", "--frequency", "f",
               "--responsible", "p", "--starts", "2026-04-03", "--outcome", "o", "--on", "2026-04-03", actor="sw1")


# ------------------------------------------------------------------ seed 003: Part Two margin notes, changed sections sent
def test_part_two_changes_are_discussed_initialled_by_the_social_worker_and_sent(sq: Shell) -> None:
    """Seed 003: "any changes should be discussed with parents and other relevant parties before
    they are made ... with the date and initials of the social worker responsible noted in the
    margin. A copy of any changed sections(s) should be sent to all parties"."""
    (plan,) = scene(sq, opened("care-plan", "2026-03-02", aim_option=3), act("$1"),
                    ("plan approve", "tm1", {"plan_id": "$1", "on": "2026-03-06"}),
                    ("plan distribute", "sw1", {"plan_id": "$1", "to": ["Ms Simpson"], "on": "2026-03-09"}))
    sq.refused(1, "action", "amend", plan, "A1", "--frequency", "Twice a week", "--on", "2026-03-20", actor="sw1")
    sq.refused(1, "action", "amend", plan, "A1", "--frequency", "Twice a week", "--discussed-with", "Ms Simpson",
               "--initials", "XX", "--on", "2026-03-20", actor="sw1")
    sq.ok("action", "amend", plan, "A1", "--frequency", "Twice a week", "--discussed-with", "Ms Simpson",
          "--on", "2026-03-20", actor="sw1")
    assert ("changes-to-send", "2026-03-27") in due(sq, "2026-03-23")
    sq.ok("plan", "distribute", plan, "--to", "Ms Simpson", "--to", "Mr and Mrs Irvine", "--on", "2026-03-23",
          actor="sw1")
    assert show(sq, plan)["copies"][-1]["sections"] == ["A1"]
    assert "changes-to-send" not in {w for w, _ in due(sq, "2026-03-23")}


# ------------------------------------------------------------------ seed 000: short breaks
def test_a_short_breaks_plan_carries_part_one_a_placement_agreement_and_looked_after_reviews(sq: Shell) -> None:
    """Seed 000: "Where a Child in Need Plan includes short break-care care. Part One of the Care
    Plan and a Placement Agreement should be completed"; "the care they receive must be regularly
    reviewed in accordance with the Children Act 1989"."""
    scene(sq)
    sq.refused(2, "plan", "open", "K1", "--kind", "child-in-need-short-breaks", "--aim", "Short breaks",
               "--on", "2026-03-02", actor="sw1")
    plan = sq.ok("plan", "open", "K1", "--kind", "child-in-need-short-breaks", "--aim", "Short breaks at Link",
                 "--aim-option", "1", "--on", "2026-03-02", "--json", actor="sw1").json()["plan_id"]
    sq.ok("placement", "record", plan, "--on", "2026-03-06", "--placement", "Link", actor="sw1")
    items = due(sq, "2026-03-30")  # the first review: 20 working days from the first short break, Easter between
    assert ("placement-agreement", "2026-03-06") in items and ("looked-after-review", "2026-04-07") in items
    sq.ok("plan", "link", plan, "--what", "placement-agreement", "--on", "2026-03-06", actor="sw1")
    assert "placement-agreement" not in {w for w, _ in due(sq, "2026-03-20")}


# ------------------------------------------------------------------ the demo and the review pack
def test_the_demo_and_the_review_pack_show_the_guidance_sections(sq: Shell, tmp_path: Path) -> None:
    """The seeds' worked examples where they fill the new sections: Karen's core group (seed 000:
    "the Core Group developed a Child's Plan for Karen"), Ibriham's Placement Agreement (seed 000:
    "Part One of the Care Plan and a Placement Agreement should be completed"), the changed section
    of Susan's plan sent to all parties (seed 003)."""
    sq.ok("demo")
    ids = {r["child"]: r["plan_id"] for r in sq.ok("demo", "--json").json()["plans"]}
    karen = sq.ok("show", ids["DEMOKH"], "--json", actor="demo-manager").json()
    assert karen["meetings"][0]["kind"] == "core-group" and karen["meetings"][0]["apologies"]
    ibriham = sq.ok("show", ids["DEMOIH"], "--json", actor="demo-manager").json()
    assert [link["record"] for link in ibriham["linked"]] == ["placement-agreement"]
    assert ibriham["changed_since_approval"] == []  # a short break taken is no change to the plan
    pack = tmp_path / "pack.html"
    sq.ok("report", "review-pack", ids["DEMOSS"], "-o", str(pack), actor="demo-manager")
    html = pack.read_text()
    assert "Copies sent and returns" in html and "changed actions: A1" in html
