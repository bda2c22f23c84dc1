"""Terminal renderings with rich: plans like the paper form, changes with their margin notes."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from plantrail.cli.shown import shown

console = Console(soft_wrap=False)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(f"• {v}" for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def render_plan(doc: dict[str, Any]) -> None:
    doc = shown(doc)
    console.print(f"[bold]{doc.get('kind', '')} plan[/bold] {doc.get('plan_id')}  child {doc.get('child')}  "
                  f"[{'green' if doc.get('status') == 'open' else 'red'}]{doc.get('status')}[/]")
    aim = doc.get("aim")
    option = f" (option {doc['aim_option']})" if doc.get("aim_option") else ""
    console.print(f"[bold]Overall aim[/bold]{option}: {aim}")
    if doc.get("category"):
        console.print(f"Category of abuse: {doc['category']}")
    approved = doc.get("approved_version")
    console.print(f"Approved: {'version ' + str(approved) if approved else 'not yet'}    "
                  f"Next review: {doc.get('next_review') or '—'}")
    for area, rows in _by_area(doc.get("actions", [])).items():
        table = Table(title=area, title_justify="left", show_lines=True, expand=True)
        for column in ("Need", "Response", "Frequency", "Responsible", "Starts", "Outcomes", "Margin"):
            table.add_column(column)
        for a in rows:
            margin = f"{a.get('initials', '')} {a.get('changed_on', '')}".strip()
            if a.get("status") == "ended":
                margin += f"\nended {a.get('ended_on')}"
            table.add_row(a["need"], a["response"], a["frequency"], a["responsible"], str(a["starts"]),
                          _text(a["outcomes"]), f"{a['action_id']}\n{margin}")
        console.print(table)
    for title, key in (("Views", "views"), ("Signatures", "signatures"), ("Contact", "contacts"),
                       ("Reviews", "reviews")):
        if doc.get(key):
            render_rows(title, doc[key])


def _by_area(actions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    areas: dict[str, list[dict[str, Any]]] = {}
    for a in actions:
        areas.setdefault(a["area"], []).append(a)
    return areas


def render_changes(doc: dict[str, Any]) -> None:
    doc = shown(doc)
    since = doc.get("since")
    heading = (f"Changes since review {since['review_id']} held {since['held_on']}" if since
               else "Changes since the plan was opened (no review held yet)")
    table = Table(title=heading, title_justify="left", show_lines=True, expand=True)
    for column in ("Margin", "Section", "Change", "Before", "After", "Discussed with / reason"):
        table.add_column(column)
    for c in doc.get("changes", []):
        mark = " (correction)" if c.get("correction") else " (voided entry)" if c.get("voids") else ""
        table.add_row(
            f"{c.get('initials', '')}\n{c.get('effective_on', '')}",
            str(c.get("section", "")),
            f"{c.get('type', '')}{mark}: {c.get('field') or ''}",
            _text(c.get("before")), _text(c.get("after")),
            "\n".join(filter(None, [c.get("discussed_with"), c.get("reason")])),
        )
    console.print(table)


def render_history(rows: list[dict[str, Any]]) -> None:
    rows = shown(rows)
    table = Table(title="History", title_justify="left", show_lines=True, expand=True)
    for column in ("Position", "Event", "Type", "Recorded at", "Effective", "Actor", "Why / authority"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r.get("position")), str(r.get("event_id")), str(r.get("type")),
                      str(r.get("recorded_at")), str(r.get("effective_on")), str(r.get("actor")),
                      "\n".join(filter(None, [r.get("reason"), r.get("authority")])))
    console.print(table)


def render_rows(title: str, rows: list[dict[str, Any]]) -> None:
    rows = shown(rows)
    if not rows:
        console.print(f"{title}: none")
        return
    table = Table(title=title, title_justify="left")
    columns = list(rows[0])
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_text(row.get(c)) for c in columns))
    console.print(table)


def autovacuum_note(autovacuum: Any, as_json: bool = False) -> None:
    """After ``init`` on PostgreSQL: the log's autovacuum settings, and a warning where the
    server runs no autovacuum (store.maintenance; docs/database.md)."""
    import click

    if autovacuum.tuned and not as_json:
        click.echo(f"autovacuum: {', '.join(autovacuum.tuned)} vacuumed every 10,000 rows and 1 % inserted,"
                   " analysed every 1,000 and 1 % (an insert-only log)")
    if autovacuum.not_owned:
        click.echo(f"note: {', '.join(autovacuum.not_owned)} not tuned (only their owner may): "
                   "run init as the store's owner", err=True)
    if not autovacuum.server_on:
        click.echo("warning: autovacuum is off on this server: nothing will analyse the log as it grows;", err=True)
        click.echo("  run ANALYZE after large loads (plantrail import does), or turn it on (docs/database.md)", err=True)
