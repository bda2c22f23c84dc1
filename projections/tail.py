"""What a read shows of a view: its table's rows, with the records the log touched after
the view's position folded now, in memory, over them.

A read never writes (no catch-up on a read: a full disk, a role that may only read, or a
hot standby must still answer, and answer with everything recorded). The writes catch the
views up after each command, so the tail a read folds is usually empty; the rows made here
come from the runner's own fold and row functions, so they are the rows catching up would
write.
"""

from __future__ import annotations

from typing import Any

from plantrail.projections.views import Session, View
from plantrail.store import view_tables
from plantrail.store.log import read_log
from plantrail.store.view_tables import transaction

BATCH = 2000


class Now:
    """A view as it stands at the end of the log: ``fresh`` rows (by key) for the records
    touched after the view's position, and whether the table's rows may be read at all
    (``usable``: False when the table is kept by another version of the view's code, and
    every row is then folded here)."""

    def __init__(self, fresh: dict[str, tuple[Any, ...]], usable: bool, view: View) -> None:
        self.fresh, self.usable, self.view = fresh, usable, view

    def as_dicts(self) -> dict[str, dict[str, Any]]:
        return {key: dict(zip(self.view.table.columns, row)) for key, row in self.fresh.items()
                if not isinstance(row, view_tables.Gone)}  # an erased child's: nothing shown


def view_now(app: Any, view: View, tracking: tuple[dict[str, dict[str, Any]], int] | None = None) -> Now:
    """``view`` as it stands at the end of the log (``tracking``: the views' positions and
    the log's, where the caller read them already)."""
    positions, log = tracking if tracking is not None else view_tables.tracking(app)
    row = positions.get(view.name)
    usable = row is not None and row["version"] == view.version
    after = row["position"] if usable else 0
    fresh: dict[str, tuple[Any, ...]] = {}
    session = Session(app)
    while after < log:
        notes = read_log(app, after, BATCH)
        if not notes:
            break
        with transaction(app, commit=False) as tx:
            touched = view.touched(tx, notes, session)
        fresh.update((r[0], r) for r in view.rows(session, touched))
        after = notes[-1].id
    return Now(fresh, usable, view)
