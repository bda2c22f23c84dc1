"""What the practice guidance adds to the Plan aggregate (seeds 000-004): its meetings and
their records, a manager's return of the plan, the plans and records joined to it, the details
every plan records, copies of the approved plan, and a Scottish plan's change of kind."""

from __future__ import annotations

from datetime import date
from typing import Any

from plantrail.domain import events as ev
from plantrail.domain.acting import Acting
from plantrail.domain.errors import BadInput, NotFound, RuleBroken
from plantrail.domain.vocabulary import AIM_OPTION_ADOPTION, KINDS_WITH_PART_ONE, KINDS_WITH_PLACEMENTS, PLAN_FAMILY

PART_ONE_DETAILS = ("legal_status", "court", "why_care", "prevention", "parallel_plan", "preferred_placement")
# A Scottish Child's Plan's own sections (seed 002); the contingency belongs to every plan
# ("the possible consequences ... if the plan is not followed", seed 001).
SCOTTISH_DETAILS = ("compulsory_measures", "named_person", "reasons", "partners", "needs_summary", "resources")


class PlanGuidance:
    """Methods of ``Plan`` (a mixin: ``state``, ``entries``, ``version``, ``trigger_event`` and
    ``_require_open`` are the Plan's; nothing is annotated here, as the event-sourcing library
    would take an annotated attribute for an ``__init__`` argument)."""

    def record_meeting(self: Any, acting: Acting, *, kind: str, invited: list[str], attended: list[str],
                       apologies: list[str], record_sent: date | None = None) -> str:
        """A meeting held on ``acting.on`` (seed 004); returns its meeting_id (M1, M2, ...)."""
        self._require_open()
        if record_sent is not None and record_sent < acting.on:
            raise BadInput(f"the record is dated {record_sent}, before the meeting on {acting.on}",
                           fix="give --record-sent on or after the meeting's date")
        if record_sent is not None and record_sent > acting.at.date():
            raise BadInput(f"the record-sent date {record_sent} is in the future",
                           fix="record it when it is sent: `plantrail meeting record-sent`")
        for name in (*attended, *apologies, *invited):
            if not name.strip():
                raise BadInput("a name in --invited, --attended or --apologies is empty")
        meeting_id = f"M{sum(isinstance(e, ev.MeetingRecorded) for e in self.entries) + 1}"
        self.trigger_event(ev.MeetingRecorded, **acting.envelope(), meeting_id=meeting_id, kind=kind,
                           invited=invited, attended=attended, apologies=apologies, record_sent=record_sent)
        return meeting_id

    def record_meeting_sent(self: Any, acting: Acting, *, meeting_id: str) -> None:
        """The meeting's record went to all invited, on ``acting.on`` (seed 004)."""
        self._require_open()
        meeting = self.state.meetings.get(meeting_id)
        if meeting is None:
            raise NotFound(f"no meeting {meeting_id} in this plan", fix="see `plantrail show` for meeting ids")
        if meeting.record_sent is not None:
            raise RuleBroken(f"the record of meeting {meeting_id} was already sent on {meeting.record_sent}",
                             rule="meetings")
        if acting.on < meeting.held_on:
            raise BadInput(f"the record is dated {acting.on}, before the meeting on {meeting.held_on}",
                           fix=f"give --on {meeting.held_on} or later")
        self.trigger_event(ev.MeetingRecordSent, **acting.envelope(), meeting_id=meeting_id)

    def return_plan(self: Any, acting: Acting, *, comments: str) -> None:
        """A team manager sends the plan back for changes instead of approving it (seed 004)."""
        self._require_open()
        s = self.state
        if not comments.strip():
            raise BadInput("a plan is returned with comments", fix="give --comments TEXT saying what to change")
        if s.approved_version is not None and not s.authors_since_approval:
            raise RuleBroken(f"this version of the plan is approved (version {s.approved_version}); "
                             "there is nothing waiting for approval to return", rule="approval")
        if acting.staff_id in s.authors_since_approval or (
            s.approved_version is None and acting.staff_id == s.opened_by
        ):
            raise RuleBroken("nobody returns a plan they wrote themselves (separation of duties)",
                             rule="approval", fix="ask another team manager to look at it")
        if s.awaiting_changes:
            raise RuleBroken(f"the plan was returned on {s.returned[-1].on} and has not changed since",
                             rule="approval", fix="wait for the social worker's changes")
        self.trigger_event(ev.PlanReturned, **acting.envelope(authority="team manager return"),
                           returned_version=self.version, comments=comments)

    def link_record(self: Any, acting: Acting, *, record: str, note: str | None = None) -> None:
        """Another plan or record joined to this plan on ``acting.on`` (seeds 000, 003)."""
        self._require_open()
        s = self.state
        if record == "adoption-plan" and (s.aim is None or s.aim.option != AIM_OPTION_ADOPTION):
            raise RuleBroken("an Adoption Plan follows the decision that the aim is adoption (aim option 9), "
                             "made at a statutory review (seed 003)", rule="part two",
                             fix="change the aim to option 9 at a statutory review first")
        if record == "pathway-plan" and s.kind != "care-plan":
            raise RuleBroken(f"a Pathway Plan replaces Part Two of a Care Plan, not of a {s.kind} plan (seed 003)",
                             rule="part two")
        if record == "placement-agreement" and s.kind not in KINDS_WITH_PLACEMENTS:
            raise RuleBroken(f"a Placement Agreement belongs to a looked-after child's plan, not a {s.kind} plan",
                             rule="placements")
        if record in ("adoption-plan", "pathway-plan") and s.part_two_replaced_by is not None:
            raise RuleBroken(f"Part Two is already replaced by the {s.part_two_replaced_by.record} recorded on "
                             f"{s.part_two_replaced_by.on}", rule="part two")
        self.trigger_event(ev.RecordLinked, **acting.envelope(), record=record, note=note)

    def record_details(self: Any, acting: Acting, **details: Any) -> None:
        self._require_open()
        given = {k: v for k, v in details.items() if v is not None}
        if "referrals" in given and (not given["referrals"] or any(not r.strip() for r in given["referrals"])):
            raise BadInput("a referral to another agency must not be empty", fix="give --referrals TEXT")
        if not given:
            raise BadInput("no details given", fix="give at least one of --legal-status, --court, ... --lead")
        kind = self.state.kind
        for name in given:
            if name in PART_ONE_DETAILS and kind not in KINDS_WITH_PART_ONE:
                raise RuleBroken(
                    f"{name.replace('_', '-')} belongs to Part One of a Care Plan, not a {kind} plan",
                    rule="plan details",
                )
            if name in SCOTTISH_DETAILS and PLAN_FAMILY[kind] != "scottish-childs-plan":
                raise RuleBroken(
                    f"{name.replace('_', '-')} belongs to a Scottish Child's Plan, not a {kind} plan",
                    rule="plan details",
                )
        self.trigger_event(ev.PlanDetailsRecorded, **acting.envelope(), **given)

    def distribute(self: Any, acting: Acting, *, to: list[str]) -> None:
        """Copies go out once the plan is approved, naming the version sent and the Part Two
        actions changed since the last copy (seeds 001, 003)."""
        self._require_open()
        s = self.state
        if s.approved_version is None:
            raise RuleBroken("the plan is sent to the family and agencies once the manager has approved it "
                             "(seed 001)", rule="distribution", fix="have a team manager approve the plan first")
        last = s.copies[-1].on if s.copies else None
        sections = [a.action_id for a in s.actions.values()
                    if s.approved_on and a.changed_on > s.approved_on and (last is None or a.changed_on >= last)]
        self.trigger_event(ev.PlanDistributed, **acting.envelope(), to=to, version=self.version,
                           approved_version=s.approved_version, sections=sections)

    def _change_scottish_kind(self: Any, acting: Acting, *, kind: str, review_id: str, category: str | None) -> None:
        """"When the Child's Plan requires the input of more than one service, this is a
        multi-agency Child's Plan" (seed 002): a single-agency plan becomes multi-agency (and
        back) at a held review of the plan, keeping its record."""
        if kind == self.state.kind:
            raise RuleBroken(f"the plan is already a {kind} plan", rule="kind change")
        if category is not None:
            raise BadInput("a category of abuse belongs to a child protection plan", fix="leave out --category")
        review = self._held_review(review_id, what="a kind change")
        self.trigger_event(
            ev.PlanKindChanged,
            **acting.envelope(on=review.held_on, authority=f"review {review_id}"),
            kind=kind, review_id=review_id, category=None,
        )
