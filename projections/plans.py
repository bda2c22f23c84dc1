"""One row a plan (CLI.md, ``plans``), and plan ids from a prefix, off the plans view
(with the records the view has not yet taken in folded in memory: ``projections.tail``)."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from plantrail.domain.errors import BadInput
from plantrail.projections.tail import view_now
from plantrail.projections.views import PLANS
from plantrail.store import view_tables

_PREFIX = re.compile(r"[0-9a-f-]+")
STATUSES = ("open", "closed", "withdrawn")
WITHDRAWN = "withdrawn"  # a plan opened in error: listed only when asked for by its status


def list_plans(app: Any, child: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise BadInput(f"no plan status {status!r}", fix="give --status open, closed or withdrawn")
    now = view_now(app, PLANS)
    rows = {r["plan_id"]: r for r in (view_tables.plan_rows(app, child=child, status=status) if now.usable else [])}
    for plan_id, row in now.as_dicts().items():
        rows.pop(plan_id, None)
        if (child is None or row["child"] == child) and (status is None or row["status"] == status):
            rows[plan_id] = row
    # A plan withdrawn as opened in error is listed only when asked for by its status.
    listed = [r for r in rows.values() if status == WITHDRAWN or r["status"] != WITHDRAWN]
    return [_row(r) for r in sorted(listed, key=lambda r: (r["opened_on"] or "", r["plan_id"]))]


def _row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan_id": r["plan_id"], "child": r["child"], "kind": r["kind"], "status": r["status"],
        "aim": r["aim"], "opened_on": r["opened_on"], "closed_on": r["closed_on"],
        "next_review": r["next_review"], "approved": r["approved_version"] is not None,
        "approved_version": r["approved_version"],
        "changed_since_approval": bool(r["changed_since_approval"]), "version": r["version"],
    }


def resolve_plan_id(app: Any, plan_ref: str | UUID) -> UUID:
    """A plan's id from the id or a unique prefix of at least 8 characters (CLI.md).

    The application parses the reference; prefixes are looked up in the plans view
    (an indexed range) instead of the application's scan of the log.
    """
    use_plans_view_for_prefixes(app)
    return app.plan_id(plan_ref)


def use_plans_view_for_prefixes(app: Any) -> None:
    """Let the application find plans by id prefix in the plans view, not the log."""
    app.find_plans_by_prefix = lambda text: _matches(app, text)


def _matches(app: Any, text: str) -> list[UUID]:
    if not _PREFIX.fullmatch(text):
        return []
    dashed = text if "-" in text else _dashed_prefix(text)
    now = view_now(app, PLANS)
    found = set(view_tables.plan_ids_starting(app, dashed)) if now.usable else set()
    return sorted(found | {UUID(key) for key in now.fresh if key.startswith(dashed)})


def _dashed_prefix(hex_prefix: str) -> str:
    """Ids are stored dashed: the dashed form of a prefix of the 32-digit form."""
    full = str(UUID(hex_prefix[:32].ljust(32, "0")))
    digits = 0
    for i, ch in enumerate(full):
        digits += ch != "-"
        if digits == len(hex_prefix):
            return full[: i + 1]
    return full
