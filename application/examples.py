"""The worked examples of the seeds, recorded through the application.

One place holds the examples' data, as plain constants, and ``record_examples``
records them: the acceptance tests read the plans back against these constants,
and the CLI's ``demo`` command records them into a store.

Verbatim from the seeds (``shared/seeds``):

* **Karen Hawthorne** (seed 000, Example 7): aged 3, placed on the child protection
  register under the category of *neglect*; the overall aim of her Child's Plan,
  word for word.
* **Ibriham Hussain** (seed 000, Example 7): aged 14, a Child in Need plan with short
  break care at Link, recorded under *family and social relationships* and *self-care
  skills*; the self-care-skills row word for word (need, response, "Once a Month",
  Mary Grant (Social worker) with Ibriham and James Page (Key worker), and the outcome
  "Budget, plan, purchase and cook a simple meal.").  The seed's one table row holds
  two responses and two responsible parties; they are recorded as one action, the
  two texts joined.
* **Susan Simpson** (seed 003): aged 3, a Care Plan; the Part Two rows of *Birth
  Family: Parenting Capacity* and *Corporate Parent: Parenting Capacity* word for word,
  with the seed's dates (31.07.2002, 20.07.2002, 24.07.2002), responsible people and
  planned outcomes.  The seed's second corporate-parent row continues the first row's
  need, so both rows carry that need; the outcome "Contact will take place in home
  without additional support of SWA." is printed under the Gordon Hill row and is
  recorded there.  The seed's typographic apostrophe (’) is kept.

Invented here, because the seeds do not say (kept plausible and in the past):

* the children's references (``DEMOKH``, ``DEMOIH``, ``DEMOSS``: letters and digits, as
  the DfE's LA child id is), dates of birth (chosen so each child has the seed's age on
  the plan's date), sex and nation (England), and the census's characteristics (ethnicity
  "not yet obtained", no disability, the reason no UPN is held);
* Karen's and Ibriham's referrals, assessments and Karen's Section 47 enquiry, which her
  initial conference ends (the census's modules, ``referral record`` and the rest);
* every date the seeds do not give: Karen's initial child protection conference and
  plan start (10 March 2025, first review conference due within 3 months), Ibriham's
  plan (3 February 2025, his self-care programme starting 1 March 2025), Susan's Care
  Plan (agreed 18-19 July 2002, the day before the first of the seed's action dates);
* Ibriham's overall aim text and his family-and-social-relationships action (worded
  from the seed's narrative: his parents find it harder to manage him because of his
  age and size, and a monthly short break at Link would help them all), his Part One
  option (1: remaining with birth family supported by short breaks) and the views of
  Ibriham and his parents (the seed says they agreed to the short breaks);
* Susan's overall aim text and Part One option (3: return to birth family within six
  months — she was accommodated while her mother receives inpatient treatment), her
  legal status, the reason care is necessary (the seed's own words) and her mother's
  contact arrangement (the seed's supported contact sessions at the foster home), and the
  SSDA903 codes of her placement with Mr and Mrs Irvine (the day her plan opened: section
  20, local authority foster carers, parental illness; Leeds postcodes, no Ofsted URN), of
  her first review (PN0, under 4), and her characteristics (no previous permanence, not a
  mother).

``record_examples`` registers the three children, so it refuses (``RuleBroken``) on a
store that already holds them.

``record_susan_first_review`` carries Susan's plan on past the seed, for the demo's review
pack (invented, in the seed's spirit): her first statutory review on 15 August 2002 rates
the outcomes, and on 20 August the play sessions go up to two hours a week, discussed with
Ms Simpson and the play worker — a Part Two change with its margin note, for the next review.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

# ------------------------------------------------------------------ Karen Hawthorne (seed 000)
KAREN = {
    "child_ref": "DEMOKH",
    "name": "Karen Hawthorne",
    "born": date(2021, 11, 2),  # invented: aged 3 at the conference
    "sex": "F",
    "nation": "england",
    "ethnicity": "NOBT",  # the census's characteristics: invented (information not yet obtained)
    "disabilities": ["NONE"],
    "upn_unknown": "UN1",  # under 6 and not yet at school
}
# Invented: the referral, assessment and Section 47 enquiry that led to the conference.
KAREN_REFERRAL = {"on": date(2025, 3, 3), "source": "3B", "primary_need": "N1"}  # a health visitor
KAREN_ASSESSMENT = {"started": date(2025, 3, 3), "authorised": date(2025, 3, 7), "factors": ["16A"]}
KAREN_S47 = {"started": date(2025, 3, 4), "icpc_required": True, "icpc": date(2025, 3, 10)}
KAREN_PLAN = {
    "kind": "child-protection",
    "category": "neglect",
    "aim": (
        "For Karen to attain and maintain satisfactory developmental progress within a safe family "
        "and home environment by the date of the second review conference."
    ),
    "on": date(2025, 3, 10),  # invented: the date of the initial child protection conference
    "review_by": date(2025, 6, 10),  # first review conference within 3 months
    "referred": date(2025, 3, 3),  # names the referral above
}
KAREN_CONFERENCE = {"kind": "initial-cp-conference", "on": date(2025, 3, 10), "next_review": date(2025, 6, 10)}
KAREN_APPROVED_ON = date(2025, 3, 14)

# ------------------------------------------------------------------ Ibriham Hussain (seed 000)
IBRIHAM = {
    "child_ref": "DEMOIH",
    "name": "Ibriham Hussain",
    "born": date(2010, 9, 14),  # invented: aged 14 when the plan starts
    "sex": "M",
    "nation": "england",
    "ethnicity": "NOBT",  # invented, as the rest of his characteristics
    "disabilities": ["NONE"],
    "upn_unknown": "UN5",  # no UPN found for him
}
IBRIHAM_REFERRAL = {"on": date(2025, 1, 13), "source": "2A", "primary_need": "N4"}  # invented: his school
IBRIHAM_ASSESSMENT = {"started": date(2025, 1, 14), "authorised": date(2025, 1, 31), "factors": ["24A"]}
IBRIHAM_PLAN = {
    "kind": "child-in-need-short-breaks",
    "aim": (  # invented from the seed's narrative
        "For Ibriham to remain living with his parents, supported by a short break at Link once a "
        "month, and to become more independent in his self-care."
    ),
    "aim_option": 1,  # remaining with birth family supported by shared care/short breaks
    "on": date(2025, 2, 3),  # invented
    "review_by": date(2025, 3, 17),  # invented: a CIN review 6 weeks on
    "referred": date(2025, 1, 13),
}
IBRIHAM_ACTIONS = [
    {
        # worded from the seed's narrative (the seed shows this area but not its table)
        "area": "family-and-social-relationships",
        "need": (
            "Due to his age and size, Mr and Mrs Hussain are finding it more difficult to manage "
            "Ibriham; a short break once a month at Link would be beneficial for Ibriham and his parents."
        ),
        "response": "Overnight short break at Link, a specialist centre for disabled children.",
        "frequency": "Once a Month",
        "responsible": "Link",
        "starts": date(2025, 3, 1),
        "outcomes": ["Mr and Mrs Hussain will have a regular break from caring for Ibriham."],
    },
    {
        # the seed's Self-Care Skills table, word for word
        "area": "self-care-skills",
        "need": "Ibriham need to develop his self-care skills to become more independent",
        "response": (
            "Attendance at Link to be increased to include overnight short break once a month. "
            "Self care programme will be developed for Ibriham"
        ),
        "frequency": "Once a Month",
        "responsible": "Mary Grant (Social worker); Ibriham and James Page (Key worker)",
        "starts": date(2025, 3, 1),  # invented: the seed leaves the date blank
        "outcomes": ["Budget, plan, purchase and cook a simple meal."],
    },
]
IBRIHAM_VIEWS = [  # the seed: "Ibrihim and his parents were in agreement to the use of short breaks"
    {"party": "child", "name": "Ibriham Hussain",
     "text": "Agrees to short breaks at Link, with a focus on developing his self-care skills."},
    {"party": "parent", "name": "Mr Ali and Mrs Fatia Hussain",
     "text": "Agree to short breaks at Link, with a focus on developing Ibriham's self-care skills."},
]
IBRIHAM_APPROVED_ON = date(2025, 2, 7)

# ------------------------------------------------------------------ Susan Simpson (seed 003)
SUSAN = {
    "child_ref": "DEMOSS",
    "name": "Susan Simpson",
    "born": date(1999, 4, 22),  # invented: aged 3 in July 2002
    "sex": "F",
    "nation": "england",
    "ethnicity": "NOBT",  # the returns' characteristics: invented, as Karen's and Ibriham's
    "disabilities": ["NONE"],
    "upn_unknown": "UN1",  # under 6 and not yet at school
}
# The SSDA903 return's characteristics (invented): no permanence option before this care, not a mother.
SUSAN_RETURN = {"previous_permanence": "Z1", "mother": False}
SUSAN_PLAN = {
    "kind": "care-plan",
    "aim": (  # invented
        "For Susan to return to the care of her mother, Jo Simpson, when Ms Simpson's inpatient "
        "treatment is complete."
    ),
    "aim_option": 3,  # return to birth family within six months
    "on": date(2002, 7, 18),  # invented: the day before the first of the seed's dates
    "review_by": date(2002, 8, 15),  # first looked-after review within 20 working days
}
SUSAN_DETAILS = {
    "legal_status": "Accommodated (section 20, Children Act 1989)",  # invented
    "why_care": (  # the seed's words
        "Susan was accommodated to allow her mother, Jo Simpson, who has mental health problems to "
        "receive inpatient treatment."
    ),
}
SUSAN_ILLNESS_NEED = (
    "Mr and Mrs Irvine currently do not understand the nature and impact of Ms Simpson’s illness."
)
SUSAN_ACTIONS = [
    {
        "area": "birth-family-parenting-capacity",
        "need": "Ms Simpson would like to develop her play skills.",
        "response": "Sessions for Ms Simpson and Susan with play worker at Forth Street Family Centre",
        "frequency": "1 hour per week",
        "responsible": "Jenny Page, play worker.",
        "starts": date(2002, 7, 31),
        "outcomes": [
            "Ms Simpson will feel more confident in playing with Susan.",
            "Ms Simpson will be able to structure play for Susan using different materials.",
        ],
    },
    {
        "area": "corporate-parent-parenting-capacity",
        "need": SUSAN_ILLNESS_NEED,
        "response": "Tim Moore to support initial contact sessions at foster home.",
        "frequency": "1 hour three days a week",
        "responsible": "Tim Moore, social work assistant",
        "starts": date(2002, 7, 20),
        "outcomes": ["Initial contact will take place in foster home reducing stress for Susan."],
    },
    {
        "area": "corporate-parent-parenting-capacity",
        "need": SUSAN_ILLNESS_NEED,
        "response": "Mr and Mrs Irvine to meet with Gordon Hill, CPN.",
        "frequency": "1 hour",
        "responsible": "Gordon Hill, CPN",
        "starts": date(2002, 7, 24),
        "outcomes": [
            "Mr and Mrs Irvine will have an understanding of Ms Simpson’s illness and its impact.",
            "Contact will take place in home without additional support of SWA.",
        ],
    },
]
SUSAN_CONTACTS = [  # invented from the seed's supported contact sessions
    {"person": "Jo Simpson", "relationship": "mother",
     "arrangement": "Contact sessions at the foster home, supported by Tim Moore, social work assistant."},
]
SUSAN_APPROVED_ON = date(2002, 7, 19)
# Her placement with Mr and Mrs Irvine (seed 003), with the SSDA903 codes (invented in the
# seed's spirit): she starts to be looked after, accommodated under section 20 (V2), with
# local authority foster carers (U6, PR1), because of her mother's illness (N3).
SUSAN_PLACEMENT = {"on": date(2002, 7, 18), "placement": "Mr and Mrs Irvine, foster carers",
                   "placement_type": "U6", "legal_status": "V2", "reason_new_episode": "S", "provider": "PR1",
                   "need": "N3", "postcode": "LS6 2AA", "home_postcode": "LS11 5QR", "urn": "XXXXXXX"}

EXAMPLES = (
    (KAREN, KAREN_PLAN),
    (IBRIHAM, IBRIHAM_PLAN),
    (SUSAN, SUSAN_PLAN),
)
# The children's references, in the order record_examples returns their plans.
EXAMPLE_CHILDREN: tuple[str, ...] = tuple(child["child_ref"] for child, _ in EXAMPLES)


def record_examples(app: Any, *, social_worker: str, team_manager: str, review_chair: str) -> list[UUID]:
    """Record the three examples through ``app`` (a ``PlanRecords``) and return the
    plan ids, in the order Karen, Ibriham, Susan.

    The social worker registers the children and writes the plans, the team manager
    approves them (so the two must differ), and the review chair records Karen's initial
    child protection conference, which her plan starts on.
    """
    plan_ids: list[UUID] = []
    for child, plan in EXAMPLES:
        app.register_child(social_worker, child["child_ref"], **{k: v for k, v in child.items() if k != "child_ref"},
                           on=plan["on"], **(SUSAN_RETURN if child is SUSAN else {}))
    for ref, referral, assessment in ((KAREN["child_ref"], KAREN_REFERRAL, KAREN_ASSESSMENT),
                                      (IBRIHAM["child_ref"], IBRIHAM_REFERRAL, IBRIHAM_ASSESSMENT)):
        app.record_referral(social_worker, ref, **referral)
        app.record_assessment(social_worker, ref, **assessment)
    app.record_enquiry(social_worker, KAREN["child_ref"], **KAREN_S47)

    karen = app.open_plan(social_worker, KAREN["child_ref"], **KAREN_PLAN)
    app.hold_review(review_chair, karen, chair=review_chair, **KAREN_CONFERENCE)
    app.approve_plan(team_manager, karen, on=KAREN_APPROVED_ON)
    plan_ids.append(karen)

    ibriham = app.open_plan(social_worker, IBRIHAM["child_ref"], **IBRIHAM_PLAN)
    for action in IBRIHAM_ACTIONS:
        app.add_action(social_worker, ibriham, on=IBRIHAM_PLAN["on"], **action)
    for view in IBRIHAM_VIEWS:
        app.record_view(social_worker, ibriham, on=IBRIHAM_PLAN["on"], **view)
    app.approve_plan(team_manager, ibriham, on=IBRIHAM_APPROVED_ON)
    plan_ids.append(ibriham)

    susan = app.open_plan(social_worker, SUSAN["child_ref"], **SUSAN_PLAN)
    app.record_placement(social_worker, susan, **SUSAN_PLACEMENT)
    app.record_details(social_worker, susan, on=SUSAN_PLAN["on"], **SUSAN_DETAILS)
    for action in SUSAN_ACTIONS:
        app.add_action(social_worker, susan, on=SUSAN_PLAN["on"], **action)
    for contact in SUSAN_CONTACTS:
        app.record_contact(social_worker, susan, on=SUSAN_PLAN["on"], **contact)
    app.approve_plan(team_manager, susan, on=SUSAN_APPROVED_ON)
    plan_ids.append(susan)
    return plan_ids


SUSAN_FIRST_REVIEW = {"kind": "statutory", "on": date(2002, 8, 15), "next_review": date(2002, 11, 15),
                      "ratings": {"A1": "partly", "A2": "achieved", "A3": "partly"},
                      "participation": "PN0"}  # aged under 4 at the review (SSDA903)
SUSAN_AMENDMENT = {"frequency": "2 hours per week", "on": date(2002, 8, 20),
                   "discussed_with": "Ms Simpson and Jenny Page, play worker",
                   "reason": "Ms Simpson asked for longer sessions; progress at the review was partial"}


def record_susan_first_review(app: Any, susan: UUID, *, social_worker: str, review_chair: str) -> str:
    """Susan's first statutory review, then one amendment to Part Two after it."""
    review_id = app.hold_review(review_chair, susan, chair=review_chair, **SUSAN_FIRST_REVIEW)
    app.amend_action(social_worker, susan, "A1", **SUSAN_AMENDMENT)
    return review_id

