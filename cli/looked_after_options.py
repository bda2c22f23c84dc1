"""The SSDA903 return's options (CLI.md, "Statutory returns"): a placement's episode codes,
a review's participation code and the child's previous permanence and motherhood. Codes are click choices of the DfE's lists, so
a wrong one exits 2 naming the valid codes; the domain checks them again for imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from plantrail.cli.help_text import Choice
from plantrail.cli.params import DATE, YES_NO
from plantrail.domain import looked_after as la


def code_choice(codes: dict[str, str]) -> Choice:
    return Choice(tuple(codes))


def _options(*options: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(f: Any) -> Any:
        for option in reversed(options):
            f = option(f)
        return f
    return apply


episode_options = _options(
    click.option("--placement-type", type=code_choice(la.PLACEMENT_TYPES), metavar="CODE",
                 help="SSDA903 placement type (PLACE), e.g. U6 foster carer, K2 children's home."),
    click.option("--legal-status", type=code_choice(la.LEGAL_STATUSES), metavar="CODE",
                 help="SSDA903 legal status (LS), e.g. C2 full care order, V2 section 20."),
    click.option("--reason-new-episode", type=code_choice(la.NEW_EPISODE_REASONS), metavar="CODE",
                 help="SSDA903 reason for new episode (RNE): S started, P placement, L legal status, T both."),
    click.option("--provider", type=code_choice(la.PROVIDERS), metavar="CODE", help="Placement provider, PR0-PR5."),
    click.option("--postcode", help="The placement's postcode."),
    click.option("--home-postcode", help="The child's home postcode."),
    click.option("--urn", help="The placement's Ofsted URN (or XXXXXXX for none)."),
    click.option("--change-reason", type=code_choice(la.PLACEMENT_CHANGE_REASONS), metavar="CODE",
                 help="Why the previous placement changed (REASON_PLACE_CHANGE), e.g. CARPL."),
    click.option("--need", type=code_choice(la.NEEDS), metavar="CODE",
                 help="Category of need (CIN) N1-N8: why the child is looked after. Carries on when left out."),
)

participation_option = click.option(
    "--participation", type=code_choice(la.PARTICIPATION), metavar="PN0..PN7",
    help="How the looked-after child took part in a statutory review (SSDA903 REVIEW_CODE).")

child_options = _options(
    click.option("--previous-permanence", type=code_choice(la.PREVIOUS_PERMANENCE), metavar="CODE",
                 help="Permanence before this period of care (PREV_PERM): P1 adoption, P2 SGO, P3 CAO, "
                      "P4 not known which, Z1 none or not known."),
    click.option("--previous-permanence-la", metavar="CODE", help="The authority that made it (LA_PERM)."),
    click.option("--previous-permanence-date", type=DATE, help="When it was made (DATE_PERM)."),
    click.option("--mother", type=YES_NO, help="The child is a mother (MOTHER)."),
    click.option("--mother-child-born", type=DATE, help="Her child's date of birth (MC_DOB)."),
)


def child_fields(options: dict[str, Any]) -> dict[str, Any]:
    """``child add``'s options as the command's fields: --mother yes|no as a flag."""
    mother = options.get("mother")
    return {**options, "mother": None if mother is None else mother == "yes"}


