"""What a write recorded, said in one line (issue 25, item 7).

Every write says what it recorded: "approved version 3 of plan ...". The sentence is
made from the events the command saved (``PlanRecords.saved_events``), so it says what was
recorded, not what was asked. An event of a kind this module has no sentence for (a
new command) is still said, by its type and event id.

Where the line goes: a write whose contract prints an id (``plan open`` prints the
plan_id, which scripts capture with ``PLAN=$(plantrail ... plan open ...)``) keeps
stdout for the id alone and says its sentence on stderr; every other write says it on
stdout. With ``--json`` the sentence is the document's ``recorded`` and nothing else is
printed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

from plantrail.domain import events as ev
from plantrail.domain.events import type_name
from plantrail.domain.vocabulary import AIM_OPTIONS

# Bookkeeping on the child's record that follows from a plan's own event.
FOLLOWS = (ev.ChildPlanStarted, ev.ChildPlanEnded, ev.ChildPlanWithdrawn)

class Names(Protocol):
    """Who the events name, for the sentence: a child's name, a staff member's id."""

    def child(self, child_ref: str) -> str: ...

    def staff_id(self, record_id: UUID) -> str: ...


class AppNames:
    """Names read from the application's records (a name missing is left out)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def child(self, child_ref: str) -> str:
        from plantrail.domain.errors import NotFound

        try:
            return str(self.app.child(child_ref).state.name)
        except NotFound:
            return ""

    def staff_id(self, record_id: UUID) -> str:
        return str(self.app.repository.get(record_id).state.staff_id)


def tell(app: Any, prints: str | None, result: Any, as_json: bool) -> None:
    """Print what the write recorded: the sentence, the id the contract prints, or the JSON."""
    import click

    from plantrail.cli.context import emit

    line = sentence(app.saved_events, AppNames(app))
    if as_json:
        emit({"ok": True, **({prints: str(result)} if prints else {}), "recorded": line,
              "events": events_of(app.saved_events)}, True)
    elif prints:
        click.echo(str(result))
        click.echo(line, err=True)
    else:
        click.echo(line)


def sentence(events: tuple[Any, ...], names: Names) -> str:
    """One line for what these events (one command's) recorded."""
    if not events:
        return "nothing new recorded: that command id was already recorded"
    main = [e for e in events if not isinstance(e, FOLLOWS)] or list(events)
    first = main[0]
    say = SAYS.get(type(first))
    text = say(first, names) if say else f"recorded {type_name(first)} (event {first.event_id})"
    closed = [e for e in main[1:] if isinstance(e, ev.PlanClosed) and e.replaced_by]
    if closed:
        text += f"; closed the plan it replaces, {closed[0].originator_id}"
    return text


def events_of(events: tuple[Any, ...]) -> list[dict[str, str]]:
    """The events recorded, as ``--json`` lists them."""
    return [{"event_id": e.event_id, "type": type_name(e)} for e in events]


def _margin(e: Any) -> str:
    return f"margin {e.initials} {e.effective_on}"


def _child(ref: str, names: Names) -> str:
    name = names.child(ref)
    return f"{ref} {name}" if name else ref


def _plan_open(e: ev.PlanOpened, names: Names) -> str:
    aim = f", aim option {e.aim_option} ({AIM_OPTIONS[e.aim_option]})" if e.aim_option else ""
    return f"opened {e.kind} plan {e.originator_id} for {_child(e.child_ref, names)}, from {e.effective_on}{aim}"


def _aim(e: ev.AimChanged, _: Names) -> str:
    option = f" to option {e.aim_option} ({AIM_OPTIONS[e.aim_option]})" if e.aim_option else ""
    return f"changed the overall aim of plan {e.originator_id}{option} at review {e.review_id}, {e.effective_on}"


def _details(e: ev.PlanDetailsRecorded, _: Names) -> str:
    given = [k.replace("_", " ") for k in ev.PlanDetailsRecorded.model_fields
             if k not in ev.Event.model_fields and getattr(e, k) is not None]
    return f"recorded {', '.join(given)} of plan {e.originator_id}, {e.effective_on}"


def _amended(e: ev.ActionAmended, _: Names) -> str:
    fields = [k for k in ("need", "response", "frequency", "responsible", "starts", "outcomes")
              if getattr(e, k, None) is not None]
    return f"amended {', '.join(fields)} of action {e.action_id} of plan {e.originator_id}; {_margin(e)}"


def _review(e: ev.ReviewHeld, _: Names) -> str:
    after = f"; next review {e.next_review}" if e.next_review else ""
    rated = f"; rated {', '.join(f'{a} {r}' for a, r in e.ratings.items())}" if e.ratings else ""
    return (f"recorded {e.kind} review {e.review_id} of plan {e.originator_id}, held {e.effective_on}, "
            f"chaired by {e.chair}{rated}{after}")


def _visit(e: ev.VisitRecorded, _: Names) -> str:
    alone = {True: ", child seen alone", False: ", child not seen alone"}.get(e.seen_alone, "")
    return f"recorded a visit on {e.effective_on} for plan {e.originator_id}{alone}"


def _correction(e: ev.Corrected, _: Names) -> str:
    target = f"{e.originator_id}/{e.target_version}"
    return f"corrected {', '.join(e.fields)} of event {target}: correction {e.event_id}"


SAYS: dict[type, Callable[[Any, Names], str]] = {
    ev.StaffMemberRegistered: lambda e, _: (f"registered staff member {e.staff_id}: {e.name} ({e.staff_initials}), "
                                            f"{', '.join(e.roles)}"),
    ev.RoleGranted: lambda e, n: f"granted the role {e.role} to staff member {n.staff_id(e.originator_id)}",
    ev.RoleRevoked: lambda e, n: f"revoked the role {e.role} of staff member {n.staff_id(e.originator_id)}",
    ev.LoginBound: lambda e, _: f"bound the database login {e.bound_login} to staff member {e.staff_id}",
    ev.StaffLeft: lambda e, n: f"recorded that staff member {n.staff_id(e.originator_id)} leaves on {e.leaves_on}",
    ev.ChildRestricted: lambda e, _: (f"restricted the child's record to {', '.join(e.allowed)} "
                                      "(and auditors who give --purpose)"),
    ev.ChildUnrestricted: lambda e, _: "lifted the restriction of the child's record",
    ev.ChildRegistered: lambda e, _: (f"registered child {e.child_ref}: {e.name}, born {e.born}; "
                                      f"record opened {e.effective_on}"),
    ev.PlanOpened: _plan_open,
    ev.PlanApproved: lambda e, _: f"approved version {e.approved_version} of plan {e.originator_id}, {e.effective_on}",
    ev.PlanKindChanged: lambda e, _: (f"plan {e.originator_id} became a {e.kind} plan at review {e.review_id}, "
                                      f"{e.effective_on}"),
    ev.AimChanged: _aim,
    ev.PlanDetailsRecorded: _details,
    ev.PlanDistributed: lambda e, _: f"recorded copies of plan {e.originator_id} sent to {'; '.join(e.to)}",
    ev.InitialPlanExtended: lambda e, _: (f"extended Initial Plan {e.originator_id} until {e.until} "
                                          f"(review {e.review_id})"),
    ev.PlanClosed: lambda e, _: f"closed plan {e.originator_id} on {e.effective_on}: {e.reason}",
    ev.PlanWithdrawn: lambda e, _: f"withdrew plan {e.originator_id} as opened in error: {e.reason}",
    ev.ActionAdded: lambda e, _: f"added action {e.action_id} ({e.area}) to plan {e.originator_id}; {_margin(e)}",
    ev.ActionAmended: _amended,
    ev.ActionEnded: lambda e, _: f"ended action {e.action_id} of plan {e.originator_id}: {e.reason}; {_margin(e)}",
    ev.ViewRecorded: lambda e, _: f"recorded the view of {e.name} ({e.party}) on plan {e.originator_id}",
    ev.SignatureRecorded: lambda e, _: (f"recorded the signature of {e.name} ({e.party}; agrees: {e.agrees}) "
                                        f"on plan {e.originator_id}"),
    ev.ContactArrangementRecorded: lambda e, _: (f"recorded contact with {e.person} ({e.relationship}) "
                                                 f"on plan {e.originator_id}"),
    ev.ReviewHeld: _review,
    ev.SupervisionDiscussed: lambda e, _: f"recorded supervision of plan {e.originator_id} on {e.effective_on}",
    ev.VisitRecorded: _visit,
    ev.PlacementRecorded: lambda e, _: (f"recorded a{'n emergency' if e.emergency else ''} placement from "
                                        f"{e.effective_on} on plan {e.originator_id}"),
    ev.PlacementEnded: lambda e, _: (f"recorded that the child stopped being looked after on plan {e.originator_id} "
                                     f"on {e.effective_on} (reason ceased {e.reason})"),
    ev.MissingPeriodRecorded: lambda e, _: (f"recorded a {e.kind} period from {e.effective_on}"
                                            f"{f' to {e.ended}' if e.ended else ' (not yet back)'}"),
    ev.ReferralRecorded: lambda e, _: (f"recorded referral {e.referral_id} of {e.effective_on} (source {e.source}"
                                       f"{', no further action' if e.nfa else ''}), event {e.event_id}"),
    ev.AssessmentRecorded: lambda e, _: (f"recorded assessment {e.assessment_id} started {e.effective_on}"
                                         f"{f', authorised {e.authorised}' if e.authorised else ''}, event {e.event_id}"),
    ev.Section47Recorded: lambda e, _: (f"recorded Section 47 enquiry {e.s47_id} started {e.effective_on}"
                                        f"{f', initial conference {e.icpc}' if e.icpc else ''}, event {e.event_id}"),
    ev.Corrected: _correction,
    ev.Voided: lambda e, _: (f"voided event {e.originator_id}/{e.target_version} as recorded in error: "
                             f"void {e.event_id}"),
}
