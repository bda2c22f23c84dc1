"""Read models of the plan records: pure functions of the event log, each rebuildable.

- ``current.plan_document`` / ``current.current_plan`` — the plan as it stands (``show``)
- ``history.history`` — every event of a plan with what it changed (``history``)
- ``changes.changes_since`` — every change since the last review (``changes``)
- ``as_at.plan_as_at`` — the plan as recorded at a time / as in effect on a date
- ``plans.list_plans`` / ``plans.resolve_plan_id`` — one row a plan; id prefixes
- ``due.due`` — timescales due and overdue on a date (policy in ``timescales.toml``)
- ``runner.catch_up`` / ``runner.rebuild`` / ``runner.status`` — the materialised views

See docs/projections.md.
"""
