"""The census's modules of a child's record (CLI.md, "Statutory returns"): ``referral
record``, ``assessment record``, ``s47 record``. Each is a write (``cli.writes.write``)."""

from __future__ import annotations

from typing import Any

import click

from plantrail.cli.params import DATE, YES_NO
from plantrail.cli.writes import write


@click.group("referral")
def referral() -> None:
    """Referrals to children's social care, as the CIN census reports them."""


@click.group("assessment")
def assessment() -> None:
    """Child and family assessments, as the CIN census reports them."""


@click.group("s47")
def s47() -> None:
    """Section 47 enquiries, as the CIN census reports them."""


@write(referral, "referral record", prints="referral_id")
@click.argument("child_ref")
@click.option("--on", type=DATE, required=True, help="The date of the referral (YYYY-MM-DD).")
@click.option("--source", required=True, help="The DfE source of referral code (1A-1D, 2A, 2B, 3A-3F, 4, 5A-5D, 6-10).")
@click.option("--primary-need", help="The primary need found, N1-N9.")
@click.option("--nfa", is_flag=True, help="The referral went no further (no further action).")
def referral_record(**options: Any) -> dict[str, Any]:
    """Record a referral to children's social care (social worker); prints its referral_id.

    A plan names its referral by the date: `plan open ... --referred DATE`.

    Example: plantrail --as sw1 referral record K100 --on 2026-01-05 --source 2A --primary-need N1
    """
    return options


@write(assessment, "assessment record", prints="assessment_id")
@click.argument("child_ref")
@click.option("--started", type=DATE, required=True, help="The date the assessment started.")
@click.option("--authorised", type=DATE, help="The date it was authorised (completed).")
@click.option("--factor", "factors", multiple=True,
              help="A factor identified at assessment (DfE codes, 21: none); repeat. With --authorised.")
def assessment_record(**options: Any) -> dict[str, Any]:
    """Record a child and family assessment (social worker); prints its assessment_id.

    It follows the child's latest referral on or before --started.

    Example: plantrail --as sw1 assessment record K100 --started 2026-01-06 --authorised 2026-02-10 --factor 3B
    """
    return {**options, "factors": list(options["factors"])}


@write(s47, "s47 record", prints="s47_id")
@click.argument("child_ref")
@click.option("--started", type=DATE, required=True, help="The date the enquiry started.")
@click.option("--icpc-required", type=YES_NO, help="Whether an initial child protection conference is needed.")
@click.option("--icpc", type=DATE, help="The date of the initial child protection conference.")
def s47_record(**options: Any) -> dict[str, Any]:
    """Record a Section 47 enquiry (social worker); prints its s47_id.

    Example: plantrail --as sw1 s47 record K100 --started 2026-01-07 --icpc-required yes --icpc 2026-01-21
    """
    required = options["icpc_required"]
    return {**options, "icpc_required": None if required is None else required == "yes"}


COMMANDS = [referral, assessment, s47]
