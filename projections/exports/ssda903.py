"""The DfE SSDA903 looked-after children return, as the CSV tables its validator reads
(``csc-validator-be-903``; docs/exports.md says where each column comes from).

The collection year YYYY runs from 1 April YYYY-1 to 31 March YYYY. Episodes are
derived as the DfE's guidance defines them: a new row for each change of placement or
of legal status. Each ``placement record`` with a reason for a new episode starts one
(RNE says what changed; what it leaves out carries on from the episode before); the
next one in the same period of care ends it that day with REC X1, and ``placement end``
ends the period with its own reason ceased. The reason a placement changed
(REASON_PLACE_CHANGE) is recorded on the new placement and returned on the episode it
ended. An episode still open on 31 March, or ending after it, is returned open.

Every table is written, with its header row, even when empty: the validator recognises a
table by its exact columns and silently skips the rules of a table that is missing.
What plantrail does not record (UASC, OC2 health and offending, OC3 care leavers, AD1
adoption, placed for adoption) is written empty; placements recorded before the codes
existed (no reason for a new episode) are not returned.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from plantrail.domain.looked_after import CHANGED_PLACEMENT, MISSING_KINDS, NEXT_EPISODE
from plantrail.projections.exports.census import collection_period

# The DfE's tables: file name and exact columns (the validator's ``config.column_names``).
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Header": ("header.csv", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")),
    "Episodes": ("episodes.csv", ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                                  "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")),
    "Reviews": ("reviews.csv", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")),
    "UASC": ("uasc.csv", ("CHILD", "SEX", "DOB", "DUC")),
    "OC2": ("oc2.csv", ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
                        "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                        "INTERVENTION_OFFERED")),
    "OC3": ("oc3.csv", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")),
    "AD1": ("ad1.csv", ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
                        "LS_ADOPTR")),
    "PlacedAdoption": ("placed_adoption.csv", ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                                               "REASON_PLACED_CEASED")),
    "PrevPerm": ("prevperm.csv", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM")),
    "Missing": ("missing.csv", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")),
}
# The child's sex: M, F or U from the 2024 to 2025 collection; before it 1 or 2 (U blank).
SEX_AS_LETTER_FROM_YEAR = 2025
SEX_BEFORE = {"M": "1", "F": "2"}
CARRIED = ("placement_type", "legal_status", "provider", "postcode", "home_postcode", "urn", "need")
LOOKED_AFTER_REVIEW = "statutory"

Row = dict[str, str]


@dataclass(frozen=True)
class Episode:
    """One episode of care: one placement and one legal status, from ``decom``."""

    decom: date
    rne: str
    legal_status: str | None
    need: str | None
    placement_type: str | None
    provider: str | None
    postcode: str | None
    home_postcode: str | None
    urn: str | None
    change_reason: str | None  # why the placement before this one changed
    dec: date | None = None
    rec: str | None = None
    reason_place_change: str | None = None


def episodes_of(placements: list[Any]) -> list[Episode]:
    """A child's episodes from their placements (``PlanState.placements`` of every plan,
    in date order): codes carried on within a period of care, each ended by the next."""
    episodes: list[Episode] = []
    previous: Episode | None = None
    for p in placements:
        if p.reason_new_episode is None:
            continue  # recorded before the SSDA903 codes: not returned
        carried = previous if previous is not None and previous.dec is None and p.reason_new_episode != "S" else None
        given = {name: getattr(p, name) if getattr(p, name) is not None else
                 (getattr(carried, name) if carried is not None else None) for name in CARRIED}
        if carried is not None:  # the next episode of the same period of care ends this one
            moved = p.reason_new_episode in CHANGED_PLACEMENT
            episodes[-1] = replace(carried, dec=p.placed_on, rec=NEXT_EPISODE,
                                   reason_place_change=p.change_reason if moved else None)
        episode = Episode(decom=p.placed_on, rne=p.reason_new_episode, change_reason=p.change_reason, **given)
        if p.ended_on is not None:
            episode = replace(episode, dec=p.ended_on, rec=p.end_reason)
        episodes.append(episode)
        previous = episode
    return episodes


def ssda903_tables(app: Any, year: int) -> dict[str, list[Row]]:
    """Every table of the return for the collection year, as rows of the DfE's columns."""
    start, end = collection_period(year)
    by_child: dict[str, list[Any]] = {}
    for plan_id in dict.fromkeys(app.plan_ids()):
        plan = app.plan(plan_id)
        if plan.state.status != "withdrawn" and plan.state.placements:
            by_child.setdefault(plan.state.child, []).append(plan.state)
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    for child_ref in sorted(by_child):
        child = app.child(child_ref).state
        if child.nation != "england":
            continue  # the SSDA903 is England's return
        plans = by_child[child_ref]
        placements = sorted((p for s in plans for p in s.placements), key=lambda p: p.placed_on)
        episodes = [e for e in episodes_of(placements) if e.decom <= end and (e.dec is None or e.dec >= start)]
        if not episodes:
            continue
        _child_rows(tables, child, episodes, plans, start, end)
    return tables


def _child_rows(tables: dict[str, list[Row]], child: Any, episodes: list[Episode], plans: list[Any],
                start: date, end: date) -> None:
    ref, dob = child.child_ref, _d(child.born)
    female = child.sex == "F"
    sex = child.sex if end.year >= SEX_AS_LETTER_FROM_YEAR else SEX_BEFORE.get(child.sex, "")
    tables["Header"].append({
        "CHILD": ref, "SEX": sex, "DOB": dob,
        # Ethnicity and a reason for no UPN are the census's characteristics: read when recorded.
        "ETHNIC": _text(getattr(child, "ethnicity", None)),
        "UPN": _text(child.upn or getattr(child, "upn_unknown", None)),
        "MOTHER": ("1" if child.mother else "0") if female and child.mother is not None else "",
        "MC_DOB": _d(child.mother_child_born) if female and child.mother else "",
    })
    for e in episodes:
        open_at_end = e.dec is None or e.dec > end
        tables["Episodes"].append({
            "CHILD": ref, "DECOM": _d(e.decom), "RNE": e.rne, "LS": _text(e.legal_status), "CIN": _text(e.need),
            "PLACE": _text(e.placement_type), "PLACE_PROVIDER": _text(e.provider),
            "DEC": "" if open_at_end else _d(e.dec), "REC": "" if open_at_end else _text(e.rec),
            "REASON_PLACE_CHANGE": "" if open_at_end else _text(e.reason_place_change),
            "HOME_POST": _text(e.home_postcode), "PL_POST": _text(e.postcode), "URN": _text(e.urn),
        })
    for held, code in sorted({(r.held_on, r.participation) for s in plans for r in s.reviews.values()
                              if r.kind == LOOKED_AFTER_REVIEW and start <= r.held_on <= end}):
        tables["Reviews"].append({"CHILD": ref, "DOB": dob, "REVIEW": _d(held), "REVIEW_CODE": _text(code)})
    if child.previous_permanence is not None and any(e.rne == "S" and e.decom >= start for e in episodes):
        tables["PrevPerm"].append({"CHILD": ref, "DOB": dob, "PREV_PERM": child.previous_permanence,
                                   "LA_PERM": _text(child.previous_permanence_la),
                                   "DATE_PERM": _d(child.previous_permanence_date)})
    for m in child.missing:
        if m.started <= end and (m.ended is None or m.ended >= start):
            tables["Missing"].append({"CHILD": ref, "DOB": dob, "MISSING": MISSING_KINDS[m.kind],
                                      "MIS_START": _d(m.started),
                                      "MIS_END": _d(m.ended) if m.ended is not None and m.ended <= end else ""})


def to_csv(name: str, rows: list[Row]) -> str:
    """One table: its header row always, then its rows (CRLF line ends, as csv writes)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TABLES[name][1])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def ssda903_files(app: Any, year: int) -> dict[str, str]:
    """File name to CSV text, for every table of the return."""
    tables = ssda903_tables(app, year)
    return {TABLES[name][0]: to_csv(name, rows) for name, rows in tables.items()}


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)
