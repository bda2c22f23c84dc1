"""The write commands of CLI.md. Each parses, calls one application command, prints."""

from __future__ import annotations

import click

from cli.context import invocation, written
from cli.params import (
    AGREES,
    AIM_OPTION,
    AREA,
    CATEGORY,
    DATE,
    KIND,
    MONTHS,
    PAIR,
    PARTY,
    REVIEW_KIND,
    ROLE,
    YES_NO,
    command_id_option,
    initials_option,
    json_option,
    on_option,
)
from domain.vocabulary import CLOSURE_REASONS, PRIMARY_NEEDS, REFERRAL_SOURCES

# The DfE census code sets (domain.vocabulary), offered where the fact is recorded.
REFERRAL_SOURCE = click.Choice(tuple(REFERRAL_SOURCES))
PRIMARY_NEED = click.Choice(tuple(PRIMARY_NEEDS))
CLOSURE_REASON = click.Choice(tuple(CLOSURE_REASONS))


def write(group: click.Group | None, name: str):  # type: ignore[no-untyped-def]
    """A write command: every write takes --command-id and --json (CLI.md)."""
    make = group.command if group is not None else click.command

    def decorate(func):  # type: ignore[no-untyped-def]
        return make(name)(command_id_option(json_option(func)))

    return decorate


def app():  # type: ignore[no-untyped-def]
    return invocation().app()


def actor() -> str | None:
    return invocation().actor


# ------------------------------------------------------------------------- init
@click.command("init")
@json_option
def init(as_json: bool) -> None:
    """Create or upgrade the store (idempotent); on PostgreSQL install the immutability guards.

    Example: plantrail --db postgresql://postgres@127.0.0.1/test init
    """
    from store.guards import install_guards

    inv = invocation()
    inv.app()
    install_guards(inv.url)
    written(None, as_json)
    if not as_json:
        click.echo(f"store ready: {inv.url}")


# ------------------------------------------------------------------------- staff
@click.group("staff")
def staff() -> None:
    """Register staff members and their roles."""


@write(staff, "add")
@click.argument("staff_id")
@click.option("--name", required=True, help="Full name.")
@click.option("--initials", required=True, help="Initials for the margin notes.")
@click.option("--role", "roles", type=ROLE, multiple=True, required=True, help="A role; repeat for more.")
def staff_add(staff_id, name, initials, roles, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Register a staff member. The first on an empty store needs no --as and must be a team manager.

    Example: plantrail staff add tm1 --name "Tina Moss" --initials TM --role team-manager
    """
    app().add_staff(actor(), staff_id, name=name, initials=initials, roles=list(roles), command_id=command_id)
    written(None, as_json)


@write(staff, "grant")
@click.argument("staff_id")
@click.option("--role", type=ROLE, required=True)
def staff_grant(staff_id, role, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Grant a further role to a staff member (team manager).

    Example: plantrail --as tm1 staff grant sw1 --role review-chair
    """
    app().grant_role(actor(), staff_id, role, command_id=command_id)
    written(None, as_json)


# ------------------------------------------------------------------------- children
@click.group("child")
def child() -> None:
    """Register children."""


@write(child, "add")
@click.argument("child_ref")
@click.option("--name", required=True)
@click.option("--born", type=DATE, required=True, help="Date of birth, YYYY-MM-DD.")
@click.option("--sex", type=click.Choice(["F", "M", "U"]), default="U", show_default=True)
@click.option("--upn", help="Unique pupil number.")
@click.option("--nation", type=click.Choice(["england", "wales", "scotland"]), default="england",
              show_default=True)
def child_add(child_ref, name, born, sex, upn, nation, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Register a child by the local authority's reference (social worker).

    Example: plantrail --as sw1 child add K100 --name "Karen Hawthorne" --born 2023-02-01 --sex F
    """
    app().register_child(actor(), child_ref, name=name, born=born, sex=sex, upn=upn, nation=nation,
                         command_id=command_id)
    written(None, as_json)


# ------------------------------------------------------------------------- plans
@click.group("plan")
def plan() -> None:
    """Open, approve, change the kind of, extend, distribute and close plans."""


@write(plan, "open")
@click.argument("child_ref")
@click.option("--kind", type=KIND, required=True)
@click.option("--aim", required=True, help="The one overall aim, with its timescale.")
@click.option("--aim-option", type=AIM_OPTION, help="Care Plan Part One option 1-10.")
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
def plan_open(child_ref, kind, aim, aim_option, aim_months, review_by, category, replaces, referred,
              referral_source, primary_need, initials, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Open a plan for a child; prints its plan_id (social worker).

    Example: plantrail --as sw1 plan open K100 --kind child-protection --category neglect
    --aim "For Karen to attain ... by the second review conference" --referral-source 3B --primary-need N1
    --on 2026-03-02
    """
    plan_id = app().open_plan(
        actor(), child_ref, kind=kind, aim=aim, aim_option=aim_option, aim_months=aim_months,
        category=category, replaces=replaces, referred=referred, review_by=review_by,
        referral_source=referral_source, primary_need=primary_need, on=on,
        initials=initials, command_id=command_id,
    )
    written({"plan_id": str(plan_id)}, as_json)


@write(plan, "approve")
@click.argument("plan_id")
@on_option
def plan_approve(plan_id, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Approve the plan as it stands (team manager; never your own plan).

    Example: plantrail --as tm2 plan approve 3f2a9c1e
    """
    app().approve_plan(actor(), plan_id, on=on, command_id=command_id)
    written(None, as_json)


@write(plan, "kind")
@click.argument("plan_id")
@click.option("--kind", type=KIND, required=True)
@click.option("--review", "review_id", required=True, help="The review or conference that decided it.")
@click.option("--category", type=CATEGORY, help="Latest category of abuse, moving to child protection.")
def plan_kind(plan_id, kind, review_id, category, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Change a Child's Plan's kind at a held review (review chair).

    Example: plantrail --as rc1 plan kind 3f2a9c1e --kind child-protection --review R2 --category neglect
    """
    app().change_kind(actor(), plan_id, kind=kind, review_id=review_id, category=category, command_id=command_id)
    written(None, as_json)


@write(plan, "close")
@click.argument("plan_id")
@click.option("--reason", required=True)
@click.option("--closure-reason", type=CLOSURE_REASON, metavar="CODE",
              help="Census reason for closure: RC1-RC7 (DfE code set; RC8/RC9 mean no plan, so are refused).")
@on_option
def plan_close(plan_id, reason, closure_reason, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Close a plan with its reason (team manager).

    Example: plantrail --as tm1 plan close 3f2a9c1e --reason "needs met; stepped down to universal services"
    --closure-reason RC7
    """
    app().close_plan(actor(), plan_id, reason=reason, closure_reason=closure_reason, on=on, command_id=command_id)
    written(None, as_json)


DETAILS = ("legal_status", "court", "why_care", "prevention", "parallel_plan", "preferred_placement",
           "contingency", "compulsory_measures", "lead")


@write(plan, "details")
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
def plan_details(plan_id, on, command_id, as_json, **details) -> None:  # type: ignore[no-untyped-def]
    """Record Part One key details, a Scottish plan's contingency, or the lead (social worker).

    Example: plantrail --as sw1 plan details 3f2a9c1e --legal-status "section 20" --why-care "..."
    """
    app().record_details(actor(), plan_id, on=on, command_id=command_id, **details)
    written(None, as_json)


@write(plan, "extend")
@click.argument("plan_id")
@click.option("--review", "review_id", required=True, help="The Children in Need review that agreed it.")
@click.option("--until", type=DATE, required=True)
def plan_extend(plan_id, review_id, until, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Extend an Initial Plan once, by at most 6 weeks (team manager).

    Example: plantrail --as tm1 plan extend 3f2a9c1e --review R1 --until 2026-05-10
    """
    app().extend_initial_plan(actor(), plan_id, review_id=review_id, until=until, command_id=command_id)
    written(None, as_json)


@write(plan, "distribute")
@click.argument("plan_id")
@click.option("--to", "to", multiple=True, required=True, help="Who received a copy; repeat.")
@on_option
def plan_distribute(plan_id, to, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Record copies of the plan sent to family, child and agencies (social worker).

    Example: plantrail --as sw1 plan distribute 3f2a9c1e --to "Ms Hawthorne" --to "Health visitor"
    """
    app().distribute_plan(actor(), plan_id, to=list(to), on=on, command_id=command_id)
    written(None, as_json)


# ------------------------------------------------------------------------- actions
@click.group("action")
def action() -> None:
    """Add, amend and end the actions of a plan (Part Two)."""


@write(action, "add")
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
def action_add(plan_id, area, need, response, frequency, responsible, starts, outcomes, discussed_with,
               initials, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Add an action to an area's table; prints its action_id (social worker).

    Example: plantrail --as sw1 action add 3f2a9c1e --area health --need "..." --response "..."
    --frequency "weekly" --responsible "Health visitor" --starts 2026-03-09 --outcome "..."
    """
    action_id = app().add_action(
        actor(), plan_id, area=area, need=need, response=response, frequency=frequency,
        responsible=responsible, starts=starts, outcomes=list(outcomes), discussed_with=discussed_with,
        initials=initials, on=on, command_id=command_id,
    )
    written({"action_id": action_id}, as_json)


@write(action, "amend")
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
def action_amend(plan_id, action_id, need, response, frequency, responsible, starts, outcomes,
                 discussed_with, reason, initials, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Amend an action; the margin note (initials, date) is recorded with it (social worker).

    Example: plantrail --as sw1 action amend 3f2a9c1e A1 --frequency "twice a week"
    --discussed-with "Ms Hawthorne" --reason "weight still falling"
    """
    app().amend_action(
        actor(), plan_id, action_id, need=need, response=response, frequency=frequency,
        responsible=responsible, starts=starts, outcomes=list(outcomes) or None,
        discussed_with=discussed_with, reason=reason, initials=initials, on=on, command_id=command_id,
    )
    written(None, as_json)


@write(action, "end")
@click.argument("plan_id")
@click.argument("action_id")
@click.option("--reason", required=True)
@click.option("--discussed-with")
@initials_option
@on_option
def action_end(plan_id, action_id, reason, discussed_with, initials, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """End an action with its reason (social worker).

    Example: plantrail --as sw1 action end 3f2a9c1e A2 --reason "outcome achieved"
    """
    app().end_action(actor(), plan_id, action_id, reason=reason, discussed_with=discussed_with,
                     initials=initials, on=on, command_id=command_id)
    written(None, as_json)


# ------------------------------------------------------------------------- views, signatures, contact
@click.group("view")
def view() -> None:
    """Record the views of the child, parents, carers and agencies."""


@write(view, "add")
@click.argument("plan_id")
@click.option("--party", type=PARTY, required=True)
@click.option("--name", required=True)
@click.option("--text", required=True)
@on_option
def view_add(plan_id, party, name, text, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Record a party's view of the plan (social worker).

    Example: plantrail --as sw1 view add 3f2a9c1e --party parent --name "Ms Hawthorne" --text "..."
    """
    app().record_view(actor(), plan_id, party=party, name=name, text=text, on=on, command_id=command_id)
    written(None, as_json)


@write(None, "sign")
@click.argument("plan_id")
@click.option("--party", type=PARTY, required=True)
@click.option("--name", required=True)
@click.option("--agrees", type=AGREES, default="unstated", show_default=True,
              help="Signing is not agreeing: record agreement apart.")
@on_option
def sign(plan_id, party, name, agrees, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Record a party's signature, and apart from it whether they agree (social worker).

    Example: plantrail --as sw1 sign 3f2a9c1e --party parent --name "Ms Hawthorne" --agrees no
    """
    app().record_signature(actor(), plan_id, party=party, name=name, agrees=agrees, on=on, command_id=command_id)
    written(None, as_json)


@click.group("contact")
def contact() -> None:
    """Record contact arrangements with the birth family."""


@write(contact, "add")
@click.argument("plan_id")
@click.option("--person", required=True)
@click.option("--relationship", required=True)
@click.option("--arrangement", required=True, help="The arrangement; 'none' where there is none.")
@on_option
def contact_add(plan_id, person, relationship, arrangement, on, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Record a contact arrangement for a member of the birth family (social worker).

    Example: plantrail --as sw1 contact add 3f2a9c1e --person "Jo Simpson" --relationship mother
    --arrangement "1 hour three days a week at the foster home"
    """
    app().record_contact(actor(), plan_id, person=person, relationship=relationship, arrangement=arrangement,
                         on=on, command_id=command_id)
    written(None, as_json)


# ------------------------------------------------------------------------- reviews and aims
@click.group("review")
def review() -> None:
    """Record reviews, conferences and core groups."""


@write(review, "hold")
@click.argument("plan_id")
@click.option("--kind", type=REVIEW_KIND, required=True)
@click.option("--on", type=DATE, required=True, help="The date it was held.")
@click.option("--chair", required=True, help="Staff id of the chair.")
@click.option("--next-review", type=DATE)
@click.option("--rate", "ratings", type=PAIR, multiple=True,
              help="ACTION_ID=achieved|partly|not-achieved; repeat.")
def review_hold(plan_id, kind, on, chair, next_review, ratings, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Record a review held; prints its review_id (review chair).

    Example: plantrail --as rc1 review hold 3f2a9c1e --kind statutory --on 2026-06-01 --chair rc1
    --next-review 2026-12-01 --rate A1=partly
    """
    review_id = app().hold_review(actor(), plan_id, kind=kind, on=on, chair=chair, next_review=next_review,
                                  ratings=_ratings(ratings), command_id=command_id)
    written({"review_id": review_id}, as_json)


def _ratings(pairs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    allowed = ("achieved", "partly", "not-achieved")
    for action_id, rating in pairs:
        if rating not in allowed:
            raise click.BadParameter(f"{action_id}={rating}: a rating is one of {', '.join(allowed)}",
                                     param_hint="'--rate'")
    return dict(pairs)


@click.group("aim")
def aim() -> None:
    """Change a plan's overall aim at a review."""


@write(aim, "change")
@click.argument("plan_id")
@click.option("--review", "review_id", required=True, help="The held statutory review that decided it.")
@click.option("--aim", "aim_text", required=True)
@click.option("--aim-option", type=AIM_OPTION)
@click.option("--aim-months", type=MONTHS)
def aim_change(plan_id, review_id, aim_text, aim_option, aim_months, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Change the overall aim, only at a held statutory review of the plan (review chair).

    Example: plantrail --as rc1 aim change 3f2a9c1e --review R2 --aim "..." --aim-option 6
    """
    app().change_aim(actor(), plan_id, review_id=review_id, aim=aim_text, aim_option=aim_option,
                     aim_months=aim_months, command_id=command_id)
    written(None, as_json)


# ------------------------------------------------------------------------- visits, supervision
@click.group("visit")
def visit() -> None:
    """Record visits to the child."""


@write(visit, "record")
@click.argument("plan_id")
@click.option("--on", type=DATE, required=True)
@click.option("--seen-alone", type=YES_NO)
def visit_record(plan_id, on, seen_alone, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Record a visit to the child (social worker).

    Example: plantrail --as sw1 visit record 3f2a9c1e --on 2026-03-20 --seen-alone yes
    """
    alone = None if seen_alone is None else seen_alone == "yes"
    app().record_visit(actor(), plan_id, on=on, seen_alone=alone, command_id=command_id)
    written(None, as_json)


@click.group("placement")
def placement() -> None:
    """Record a looked-after child's placements."""


@write(placement, "record")
@click.argument("plan_id")
@click.option("--on", type=DATE, required=True, help="The day the child was placed (or moved).")
@click.option("--emergency", is_flag=True, help="An emergency placement: the Care Plan is due within 14 days.")
@click.option("--long-term", is_flag=True, help="Intended to last: visits every 3 months after its first year.")
@click.option("--placement", "placement_text", help="The carer or setting.")
def placement_record(plan_id, on, emergency, long_term, placement_text, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Record that a looked-after child was placed, or moved; the latest is current (social worker).

    Example: plantrail --as sw1 placement record 3f2a9c1e --on 2026-03-20 --emergency
    --placement "Mr and Mrs Irvine, foster carers"
    """
    app().record_placement(actor(), plan_id, on=on, emergency=emergency, long_term=long_term,
                           placement=placement_text, command_id=command_id)
    written(None, as_json)


@click.group("supervision")
def supervision() -> None:
    """Record supervision discussions of a plan."""


@write(supervision, "record")
@click.argument("plan_id")
@click.option("--on", type=DATE, required=True)
@click.option("--note")
def supervision_record(plan_id, on, note, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Record that the plan was discussed in supervision (social worker).

    Example: plantrail --as sw1 supervision record 3f2a9c1e --on 2026-04-01 --note "plan still fits"
    """
    app().record_supervision(actor(), plan_id, on=on, note=note, command_id=command_id)
    written(None, as_json)


# ------------------------------------------------------------------------- corrections
@write(None, "correct")
@click.argument("event_id")
@click.option("--set", "pairs", type=PAIR, multiple=True, required=True,
              help="FIELD=VALUE, FIELD as `show --json` names it; repeat.")
@click.option("--reason", required=True)
def correct(event_id, pairs, reason, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Correct a recording error; the original stays in the record (records officer).

    Example: plantrail --as ro1 correct 3f2a9c1e-.../4 --set starts=2026-03-16 --reason "date mistyped"
    """
    fields = {name: _value(name, value) for name, value in pairs}
    correction = app().correct(actor(), event_id, fields=fields, reason=reason, command_id=command_id)
    written({"event_id": correction}, as_json)


def _value(name: str, value: str):  # type: ignore[no-untyped-def]
    """Lists (outcomes, to) are given as JSON arrays or one item; everything else as text."""
    import json

    if name in ("outcomes", "to", "roles"):
        try:
            loaded = json.loads(value)
        except ValueError:
            return [value]
        return loaded if isinstance(loaded, list) else [value]
    return value


@write(None, "void")
@click.argument("event_id")
@click.option("--reason", required=True)
def void(event_id, reason, command_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Withdraw an entry recorded in error; it stays in the record, marked (records officer).

    Example: plantrail --as ro1 void 3f2a9c1e-.../6 --reason "recorded on the wrong child"
    """
    app().void(actor(), event_id, reason=reason, command_id=command_id)
    written(None, as_json)


COMMANDS = [init, staff, child, plan, action, view, sign, contact, review, aim, visit, placement, supervision,
            correct, void]
