"""What the CIN census reports of a child's social care before and beside a plan: the
referral, the child and family assessment, and the Section 47 enquiry (CLI.md,
"Statutory returns"). They are entries of the child's record: the rules between them
(one open assessment at a time, nothing after a referral with no further action) are
kept across them there (``domain/child_rules.py``)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from plantrail.domain.base import Event
from plantrail.domain.vocabulary import PrimaryNeed, ReferralSource


class ReferralRecorded(Event):
    """A referral to children's social care, on ``effective_on``: its source (DfE rule
    8866), the primary need found (8610, 8650), and whether it went no further
    (``nfa``, ReferralNFA: rules 4000, 8831, 8832 — nothing may follow it). A plan names
    its referral by its date (``plan open --referred DATE``)."""

    referral_id: str
    source: ReferralSource
    primary_need: PrimaryNeed | None = None
    nfa: bool = False


class AssessmentRecorded(Event):
    """A child and family assessment started on ``effective_on`` and, once authorised,
    its date and the factors it found (DfE rules 8608, 8614, 8869, 8897Q, 8898)."""

    assessment_id: str
    authorised: date | None = None
    factors: list[str] = Field(default_factory=list)


class Section47Recorded(Event):
    """A Section 47 enquiry started on ``effective_on``: whether an initial child
    protection conference is needed, and the date it was held (DfE rules 8615, 8875,
    8868: an enquiry is finished by its conference or by "not required")."""

    s47_id: str
    icpc_required: bool | None = None
    icpc: date | None = None
