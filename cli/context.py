"""The state one invocation carries: which store, who is acting, and how to print."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import click


@dataclass
class Invocation:
    db: str | None
    actor: str | None
    _app: Any = field(default=None, repr=False)

    @property
    def url(self) -> str:
        from plantrail.store.settings import default_url

        return self.db or os.environ.get("PLANTRAIL_DB") or default_url()

    def app(self) -> Any:
        """The application on the chosen store, opened on first use."""
        if self._app is None:
            from plantrail.application.records import PlanRecords
            from plantrail.projections.plans import use_plans_view_for_prefixes
            from plantrail.store.settings import env_for_url, prepare

            prepare(self.url)
            self._app = PlanRecords(env=env_for_url(self.url))
            use_plans_view_for_prefixes(self._app)
        return self._app

    def caught_up(self) -> Any:
        """The application, with the materialised views read up to the end of the log."""
        app = self.app()
        from plantrail.projections.runner import catch_up

        catch_up(app)
        return app

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


def invocation() -> Invocation:
    return click.get_current_context().find_object(Invocation)


def emit(data: Any, as_json: bool, human: Any = None) -> None:
    """Print a result: JSON alone on stdout with --json, else the human rendering."""
    if as_json:
        click.echo(json.dumps(data, default=str, ensure_ascii=False, indent=2))
    elif human is not None:
        human()
    elif isinstance(data, dict) and len(data) == 1:
        click.echo(next(iter(data.values())))
    elif data is not None:
        click.echo(json.dumps(data, default=str, ensure_ascii=False, indent=2))


def written(result: dict[str, Any] | None, as_json: bool) -> None:
    """After a write: bring the views up to date, then print what the contract says."""
    from plantrail.projections.runner import catch_up

    try:
        catch_up(invocation().app())
    except Exception as error:  # noqa: BLE001 - the write is recorded; the views catch up on the next read
        click.echo(f"warning: recorded, but the views could not catch up ({error}); "
                   "they will on the next read", err=True)
    if result is None:
        if as_json:
            emit({"ok": True}, True)
        return
    emit(result, as_json)
