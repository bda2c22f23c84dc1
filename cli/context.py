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
    _writing: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        from plantrail.store.settings import default_url

        return self.db or os.environ.get("PLANTRAIL_DB") or default_url()

    def app(self, *, sealed: bool = True) -> Any:
        """The application on the chosen store, opened to read: the store must be there
        already (a read never makes one: exit 4, naming it) and nothing is made or written.
        ``sealed=False``: the caller reads nothing sealed (verify), so needs no KEK."""
        if self._app is None:
            from plantrail.store.settings import check_exists, reading_env

            check_exists(self.url)
            self._app = self._open(reading_env(self.url), sealed=sealed)
        return self._app

    def writer(self) -> Any:
        """The application on the chosen store, opened to write: the store and its tables are
        made if they are not there yet (the first write, or ``init``)."""
        if self._app is None or not self._writing:
            from plantrail.store.settings import env_for_url, prepare

            self.close()
            prepare(self.url)
            self._app, self._writing = self._open(env_for_url(self.url), sealed=True), True
        return self._app

    def _open(self, env: dict[str, str], *, sealed: bool) -> Any:
        from plantrail.application.records import PlanRecords
        from plantrail.projections.plans import use_plans_view_for_prefixes

        app = PlanRecords(env=env)
        if os.environ.get("PLANTRAIL_RETENTION"):  # the authority's schedule (erase request judges by it)
            from plantrail.projections.retention import load_schedule

            app.retention_schedule = load_schedule()
        keyring = getattr(app.recorder, "keyring", None)
        if sealed and keyring is not None:
            try:
                keyring.check()  # a lost or wrong KEK: exit 4 before anything is read or written
                _erased_stay_erased(app, writing=env.get("CREATE_TABLE") != "n")
            except Exception:
                app.close()
                raise
        use_plans_view_for_prefixes(app)
        return app

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None


def _erased_stay_erased(app: Any, *, writing: bool) -> None:
    """A database restored from a backup taken before an erasure still holds the erased
    children's keys and rows: a write opening it erases them again (the erasure list is
    kept with the KEK, not in the backup); a read refuses it until then (exit 4)."""
    from plantrail.store.erasure import purge_restored, restored_erased
    from plantrail.store.errors import StoreUnavailable

    if writing:
        done = purge_restored(app)
        if done:
            click.echo(f"plantrail: erased again {len(done)} child record(s) this restored database still held "
                       "(the erasure list kept with the key-encryption key)", err=True)
    elif restored_erased(app):
        raise StoreUnavailable("this database holds records erased since (it was restored from an earlier backup); "
                               "run `plantrail init` to erase them again before reading")


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


def views_after_write() -> None:
    """After a write: bring the views up to date (the write stands if they cannot)."""
    from plantrail.projections.runner import catch_up

    try:
        catch_up(invocation().writer())
    except Exception as error:  # noqa: BLE001 - the write is recorded; the views catch up on the next read
        click.echo(f"warning: recorded, but the views could not catch up ({error}); "
                   "reads fold what they lack meanwhile, and the next write catches them up", err=True)


def written(result: dict[str, Any] | None, as_json: bool) -> None:
    """After a write: bring the views up to date, then print what the contract says."""
    views_after_write()
    if result is None:
        if as_json:
            emit({"ok": True}, True)
        return
    emit(result, as_json)
