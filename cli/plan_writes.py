"""The write commands about a plan and its parts (CLI.md, "Writes"): opening, approving,
changing and closing it; Part Two actions; views, signatures, contact; reviews, aims,
visits, placements, supervision. Made with ``cli.writes.write``."""

from __future__ import annotations

from typing import Any

import click

from plantrail.cli.help_text import Choice
from plantrail.cli.looked_after import add_commands
from plantrail.cli.looked_after_options import episode_options, participation_option
from plantrail.cli.params import (
    AGREES,
    AIM_OPTION,
    AIM_OPTIONS_HELP,
    AREA,
    CATEGORY,
    DATE,
    KIND,
    MONTHS,
    PAIR,
    PARTY,
    REVIEW_KIND,
    YES_NO,
    initials_option,
    on_option,
)
from plantrail.cli.writes import write
from plantrail.domain.vocabulary import CLOSURE_REASONS, PRIMARY_NEEDS, RATINGS, REFERRAL_SOURCES

# The DfE census code sets (domain.vocabulary), offered where the fact is recorded.
REFERRAL_SOURCE = Choice(tuple(REFERRAL_SOURCES))
PRIMARY_NEED = Choice(tuple(PRIMARY_NEEDS))
CLOSURE_REASON = Choice(tuple(CLOSURE_REASONS))


# ------------------------------------------------------------------------- plans
@click.group("plan")
def plan() -> None:
    """Open, approve, change the kind of, extend, distribute and close plans."""


@write(plan, "plan open", prints="plan_id")
@click.argument("child_ref")
@click.option("--kind", type=KIND, required=True)
@click.option("--aim", required=True, help="The one overall aim, with its timescale.")
@click.option("--aim-option", type=AIM_OPTION, help="Care Plan Part One option 1-10 (listed below).")
@click.option("--aim-months", type=MONTHS, help="Months, with aim option 4.")
@click.option("--review-by", type=DATE)
@click.option("--category", type=CATEGORY, help="Category of abuse (child protection).")
@click.option("--replaces", help="The Initial Plan this plan replaces.")
@click.option("--referred", type=DATE, help="Date of the referral that led to the plan.")
@click.option("--referral-source", type=REFERRAL_SOURCE, metavar="CODE",
              help="Census source of the referral: 1A-1D, 2A-2B, 3A-3F, 4, 5A-5D, 6-10 (DfE code set).")
@click.option("--primary-need", type=PRIMARY_NEED, metavar="CODE",
              help="Census primary need found at assessment: N1-N9 (DfE code set).")
@initials_option
@on_option
def plan_open(**options: Any) -> dict[str, Any]:
    """Open a plan for a child; prints its plan_id (social worker).

    Example: plantrail --as sw1 plan open K100 --kind child-protection --category neglect
    --aim "For Karen to attain ... by the second review conference" --referral-source 3B --primary-need N1
    --on 2026-03-02
    """
    return options


@write(plan, "plan approve")
@click.argument("plan_id")
@on_option
def plan_approve(**options: Any) -> dict[str, Any]:
    """Approve the plan as it stands (team manager; never your own plan).

    Example: plantrail --as tm2 plan approve 3f2a9c1e
    """
    return options


@write(plan, "plan kind")
@click.argument("plan_id")
@click.option("--kind", type=KIND, required=True)
@click.option("--review", "review_id", required=True, help="The review or conference that decided it.")
@click.option("--category", type=CATEGORY, help="Latest category of abuse, moving to child protection.")
def plan_kind(**options: Any) -> dict[str, Any]:
    """Change a Child's Plan's kind at a held review (review chair).

    Example: plantrail --as rc1 plan kind 3f2a9c1e --kind child-protection --review R2 --category neglect
    """
    return options


@write(plan, "plan close")
@click.argument("plan_id")
@click.option("--reason", required=True)
@click.option("--closure-reason", type=CLOSURE_REASON, metavar="CODE",
              help="Census reason for closure: RC1-RC7 (DfE code set; RC8/RC9 mean no plan, so are refused).")
@on_option
def plan_close(**options: Any) -> dict[str, Any]:
    """Close a plan with its reason (team manager).

    Example: plantrail --as tm1 plan close 3f2a9c1e --reason "needs met; stepped down to universal services"
    --closure-reason RC7
    """
    return options


@write(plan, "plan details")
@click.argument("plan_id")
@click.option("--legal-status")
@click.option("--court")
@click.option("--why-care", help="Why care or accommodation is necessary.")
@click.option("--prevention", help="What was done to prevent the child becoming looked after.")
@click.option("--parallel-plan")
@click.option("--preferred-placement")
@click.option("--contingency")
@click.option("--compulsory-measures")
@click.option("--lead", help="Staff id of the lead professional.")
@on_option
def plan_details(**options: Any) -> dict[str, Any]:
    """Record Part One key details, a Scottish plan's contingency, or the lead (social worker).

    Example: plantrail --as sw1 plan details 3f2a9c1e --legal-status "section 20" --why-care "..."
    """
    return options


@write(plan, "plan extend")
@click.argument("plan_id")
@click.option("--review", "review_id", required=True, help="The Children in Need review that agreed it.")
@click.option("--until", type=DATE, required=True)
def plan_extend(**options: Any) -> dict[str, Any]:
    """Extend an Initial Plan once, by at most 6 weeks (team manager).

    Example: plantrail --as tm1 plan extend 3f2a9c1e --review R1 --until 2026-05-10
    """
    return options


@write(plan, "plan distribute")
@click.argument("plan_id")
@click.option("--to", "to", multiple=True, required=True, help="Who received a copy; repeat.")
@on_option
def plan_distribute(**options: Any) -> dict[str, Any]:
    """Record copies of the plan sent to family, child and agencies (social worker).

    Example: plantrail --as sw1 plan distribute 3f2a9c1e --to "Ms Hawthorne" --to "Health visitor"
    """
    return {**options, "to": list(options["to"])}


# ------------------------------------------------------------------------- actions
@click.group("action")
def action() -> None:
    """Add, amend and end the actions of a plan (Part Two)."""


@write(action, "action add", prints="action_id")
@click.argument("plan_id")
@click.option("--area", type=AREA, required=True)
@click.option("--need", required=True, help="Identified needs and strengths.")
@click.option("--response", required=True, help="Actions or services to be provided.")
@click.option("--frequency", required=True, help="Frequency and length, e.g. '1 hour per week'.")
@click.option("--responsible", required=True, help="Person or agency responsible.")
@click.option("--starts", type=DATE, required=True, help="Date the service commences.")
@click.option("--outcome", "outcomes", multiple=True, required=True, help="A planned outcome; repeat.")
@click.option("--discussed-with", help="Who the change was discussed with.")
@initials_option
@on_option
def action_add(**options: Any) -> dict[str, Any]:
    """Add an action to an area's table; prints its action_id (social worker).

    Example: plantrail --as sw1 action add 3f2a9c1e --area health --need "..." --response "..."
    --frequency "weekly" --responsible "Health visitor" --starts 2026-03-09 --outcome "..."
    """
    return {**options, "outcomes": list(options["outcomes"])}


@write(action, "action amend")
@click.argument("plan_id")
@click.argument("action_id")
@click.option("--need")
@click.option("--response")
@click.option("--frequency")
@click.option("--responsible")
@click.option("--starts", type=DATE)
@click.option("--outcome", "outcomes", multiple=True, help="The planned outcomes, replacing the old; repeat.")
@click.option("--discussed-with", help="Who the change was discussed with (parents, other parties).")
@click.option("--reason")
@initials_option
@on_option
def action_amend(**options: Any) -> dict[str, Any]:
    """Amend an action; the margin note (initials, date) is recorded with it (social worker).

    Example: plantrail --as sw1 action amend 3f2a9c1e A1 --frequency "twice a week"
    --discussed-with "Ms Hawthorne" --reason "weight still falling"
    """
    return {**options, "outcomes": list(options["outcomes"]) or None}


@write(action, "action end")
@click.argument("plan_id")
@click.argument("action_id")
@click.option("--reason", required=True)
@click.option("--discussed-with")
@initials_option
@on_option
def action_end(**options: Any) -> dict[str, Any]:
    """End an action with its reason (social worker).

    Example: plantrail --as sw1 action end 3f2a9c1e A2 --reason "outcome achieved"
    """
    return options


# ------------------------------------------------------------------------- views, signatures, contact
@click.group("view")
def view() -> None:
    """Record the views of the child, parents, carers and agencies."""


@write(view, "view add")
@click.argument("plan_id")
@click.option("--party", type=PARTY, required=True)
@click.option("--name", required=True)
@click.option("--text", required=True)
@on_option
def view_add(**options: Any) -> dict[str, Any]:
    """Record a party's view of the plan (social worker).

    Example: plantrail --as sw1 view add 3f2a9c1e --party parent --name "Ms Hawthorne" --text "..."
    """
    return options


@write(None, "sign")
@click.argument("plan_id")
@click.option("--party", type=PARTY, required=True)
@click.option("--name", required=True)
@click.option("--agrees", type=AGREES, default="unstated", show_default=True,
              help="Signing is not agreeing: record agreement apart.")
@on_option
def sign(**options: Any) -> dict[str, Any]:
    """Record a party's signature, and apart from it whether they agree (social worker).

    Example: plantrail --as sw1 sign 3f2a9c1e --party parent --name "Ms Hawthorne" --agrees no
    """
    return options


@click.group("contact")
def contact() -> None:
    """Record contact arrangements with the birth family."""


@write(contact, "contact add")
@click.argument("plan_id")
@click.option("--person", required=True)
@click.option("--relationship", required=True)
@click.option("--arrangement", required=True, help="The arrangement; 'none' where there is none.")
@on_option
def contact_add(**options: Any) -> dict[str, Any]:
    """Record a contact arrangement for a member of the birth family (social worker).

    Example: plantrail --as sw1 contact add 3f2a9c1e --person "Jo Simpson" --relationship mother
    --arrangement "1 hour three days a week at the foster home"
    """
    return options


# ------------------------------------------------------------------------- reviews and aims
@click.group("review")
def review() -> None:
    """Record reviews, conferences and core groups."""


@write(review, "review hold", prints="review_id")
@click.argument("plan_id")
@click.option("--kind", type=REVIEW_KIND, required=True)
@click.option("--on", type=DATE, required=True, help="The date it was held.")
@click.option("--chair", required=True, help="Staff id of the chair.")
@click.option("--next-review", type=DATE)
@click.option("--rate", "ratings", type=PAIR, multiple=True,
              help="ACTION_ID=achieved|partly|not-achieved; repeat.")
@participation_option
def review_hold(**options: Any) -> dict[str, Any]:
    """Record a review held; prints its review_id (review chair).

    Example: plantrail --as rc1 review hold 3f2a9c1e --kind statutory --on 2026-06-01 --chair rc1
    --next-review 2026-12-01 --rate A1=partly
    """
    for action_id, rating in options["ratings"]:
        if rating not in RATINGS:
            raise click.BadParameter(f"{action_id}={rating}: a rating is one of {', '.join(RATINGS)}",
                                     param_hint="'--rate'")
    return {**options, "ratings": dict(options["ratings"])}


@click.group("aim")
def aim() -> None:
    """Change a plan's overall aim at a review."""


@write(aim, "aim change")
@click.argument("plan_id")
@click.option("--review", "review_id", required=True, help="The held statutory review that decided it.")
@click.option("--aim", required=True, help="The new overall aim, with its timescale.")
@click.option("--aim-option", type=AIM_OPTION, help="Care Plan Part One option 1-10 (listed below).")
@click.option("--aim-months", type=MONTHS, help="Months, with aim option 4.")
def aim_change(**options: Any) -> dict[str, Any]:
    """Change the overall aim, only at a held statutory review of the plan (review chair).

    Example: plantrail --as rc1 aim change 3f2a9c1e --review R2 --aim "..." --aim-option 6
    """
    return options


# ------------------------------------------------------------------------- visits, placements, supervision
@click.group("visit")
def visit() -> None:
    """Record visits to the child."""


@write(visit, "visit record")
@click.argument("plan_id")
@click.option("--on", type=DATE, required=True)
@click.option("--seen-alone", type=YES_NO)
def visit_record(**options: Any) -> dict[str, Any]:
    """Record a visit to the child (social worker).

    Example: plantrail --as sw1 visit record 3f2a9c1e --on 2026-03-20 --seen-alone yes
    """
    alone = options["seen_alone"]
    return {**options, "seen_alone": None if alone is None else alone == "yes"}


@click.group("placement")
def placement() -> None:
    """Record a looked-after child's placements."""


@write(placement, "placement record")
@click.argument("plan_id")
@click.option("--on", type=DATE, required=True, help="The day the child was placed (or moved).")
@click.option("--emergency", is_flag=True, help="An emergency placement: the Care Plan is due within 14 days.")
@click.option("--long-term", is_flag=True, help="Intended to last: visits every 3 months after its first year.")
@click.option("--placement", help="The carer or setting.")
@episode_options
def placement_record(**options: Any) -> dict[str, Any]:
    """Record that a looked-after child was placed, or moved; the latest is current (social worker).

    Example: plantrail --as sw1 placement record 3f2a9c1e --on 2026-03-20 --emergency
    --placement "Mr and Mrs Irvine, foster carers" --placement-type U6 --legal-status L2
    --reason-new-episode S --provider PR1 --need N1
    """
    return options


@click.group("supervision")
def supervision() -> None:
    """Record supervision discussions of a plan."""


@write(supervision, "supervision record")
@click.argument("plan_id")
@click.option("--on", type=DATE, required=True)
@click.option("--note")
def supervision_record(**options: Any) -> dict[str, Any]:
    """Record that the plan was discussed in supervision (social worker).

    Example: plantrail --as sw1 supervision record 3f2a9c1e --on 2026-04-01 --note "plan still fits"
    """
    return options


plan_open.epilog = aim_change.epilog = AIM_OPTIONS_HELP

COMMANDS = [plan, action, view, sign, contact, review, aim, visit, placement, supervision, *add_commands(placement)]
