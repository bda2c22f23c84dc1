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
    claimed: str | None  # --as: who the command says acts (the login decides, in login mode)
    purpose: str | None = None
    read_db: str | None = None  # a hot standby to serve reads (--read-db); writes still go to db
    max_lag: float | None = None  # --max-lag: seconds a standby may be behind and still answer
    role: Any = field(default=None, repr=False)  # the read server's ServerRole, once opened
    _app: Any = field(default=None, repr=False)
    _writing: bool = field(default=False, repr=False)
    _log: Any = field(default=None, repr=False)  # the primary's application, for the access log (--read-db)
    _acting: tuple[str | None, Any] | None = field(default=None, repr=False)  # (staff id, Identity), once found

    @property
    def url(self) -> str:
        from plantrail.store.settings import default_url

        return self.db or os.environ.get("PLANTRAIL_DB") or default_url()

    @property
    def actor(self) -> str | None:
        """The staff member acting or reading (``application.identity``): ``--as``, or in a
        store in login mode the one the database login is bound to. Found once, on the store
        of ``--db`` (the writer while writing, else where the access log goes)."""
        return self._who()[0]

    @property
    def login(self) -> str:
        """The account this command comes from, kept beside the actor."""
        return self._who()[1]

    def identify(self) -> str | None:
        """Find who acts now (the store's identity mode and login, set on its application)."""
        return self.actor

    def _who(self) -> tuple[str | None, str]:
        if self._acting is None:
            from plantrail.application.identity import acting_staff
            from plantrail.store.identity import identity_of

            app = self._app if self._writing else self.access_log()
            identity = identity_of(app)
            self._acting = (acting_staff(app, self.claimed, identity.mode, identity.login), identity)
            self._stamp(app)
        return self._acting[0], self._acting[1].login

    def _stamp(self, app: Any) -> None:
        """Tell an application the store's identity mode and login, once they are found: its
        commands act as the login's staff member in login mode, and keep the login beside them."""
        if self._acting is not None:
            app.identity_mode, app.login = self._acting[1]

    @property
    def read_url(self) -> str:
        """Where reads are served from: --read-db (a standby) if given, else the store."""
        return self.read_db or self.url

    def app(self, shows_records: bool = True, *, sealed: bool = True) -> Any:
        """The application on the store reads are served from, opened to read: the store
        must be there already (a read never makes one: exit 4, naming it) and nothing is
        made or written. A read that ``shows_records`` of a child is refused on a standby
        given alone as --db (its access-log entry has nowhere to go); any read from a
        standby says how current its answer is, on stderr. ``sealed=False``: the caller
        reads nothing sealed (verify), so needs no KEK."""
        if self._app is None:
            from plantrail.store.replica import check_lag, lag_note, records_refusal
            from plantrail.store.settings import check_exists, reading_env

            self.role = check_exists(self.read_url)
            if self.role.standby:
                from plantrail.store.errors import StandbyRefused

                if shows_records and not self.read_db:
                    raise StandbyRefused(records_refusal(self.role.where))
                check_lag(self.role, self.max_lag)
                click.echo(f"note: {lag_note(self.role)}", err=True)
            self._app = self._open(reading_env(self.read_url), sealed=sealed)
        return self._app

    def reader_app(self) -> Any:
        """``app()`` for a read of records, its reader found first: in a store in login mode a
        login bound to nobody (or naming another) is refused before anything is looked up, so
        a refusal never says whether a child or a plan exists."""
        app = self.app()
        self.identify()
        return app

    def access_log(self) -> Any:
        """The application the access log is written to: the store of ``--db``. Reads served
        by a standby (``--read-db``) log to the primary, opened apart from the application
        they read through; this is the one place that says where."""
        if not self.read_db:
            return self.app()
        if self._log is None:
            from plantrail.store.replica import records_refusal
            from plantrail.store.settings import check_exists, reading_env

            role = check_exists(self.url)
            if role.standby:  # the log is written on the primary, whatever serves the read
                from plantrail.store.errors import StandbyRefused

                raise StandbyRefused(records_refusal(role.where))
            self._log = self._open(reading_env(self.url), sealed=True)
        return self._log

    def reader_ahead(self) -> str | None:
        """Who a read of one plan is for, where its access log entry goes to the store it is
        read from (not a --read-db standby): their records are read with the plan's, for the
        entry (application/read_ahead.py)."""
        return None if self.read_db else self.actor

    def log_read(self, command: str, **shown: Any) -> None:
        """Before anything of a read is shown: its access log entry, saved (CLI.md, "Who
        reads"). Refused reads raise their refusal; an entry that cannot be saved refuses
        the read (exit 4), so nothing is shown unlogged. ``shown``: the fields of
        ``application.access.Read`` (``child``, ``plan_id``, ``children``, ``staff``)."""
        from pydantic import ValidationError

        from plantrail.application.access import Read, logged_read
        from plantrail.domain.errors import DomainError
        from plantrail.store.errors import StoreUnavailable

        read = Read(command=command, actor=self.actor, login=self.login, purpose=self.purpose, **shown)
        try:
            logged_read(self.access_log(), read)
        except (DomainError, StoreUnavailable, ValidationError):
            raise  # (ValidationError: --purpose with a control character in it, exit 2)
        except Exception as error:  # noqa: BLE001 - any failure to log refuses the read
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise StoreUnavailable(f"the access log cannot be written ({reason}), so nothing is shown: "
                                   "every read of a child's records is logged first") from None

    def writer(self) -> Any:
        """The application on the chosen store, opened to write: the store and its tables are
        made if they are not there yet (the first write, or ``init``)."""
        if self._app is None or not self._writing:
            from plantrail.store.settings import env_for_url, prepare

            self.close()
            prepare(self.url)
            self._app, self._writing = self._open(env_for_url(self.url), sealed=True), True
            self._stamp(self._app)
        return self._app

    def _open(self, env: dict[str, str], *, sealed: bool) -> Any:
        from plantrail.application.records import PlanRecords
        from plantrail.cli.process import collect_from_here
        from plantrail.projections.plans import use_plans_view_for_prefixes

        app = PlanRecords(env=env)
        collect_from_here()
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
        for opened in (self._app, self._log):
            if opened is not None:
                opened.close()
        self._app = self._log = None
        self._writing = False


def _erased_stay_erased(app: Any, *, writing: bool) -> None:
    """A database restored from a backup taken before an erasure still holds the erased
    children's keys and rows, and an approval interrupted before it destroyed the key left
    it held: a write opening the store erases them (again: the erasure list is kept with the
    KEK, not in the backup); a read refuses it until then (exit 4)."""
    from plantrail.store.erasure import finish_unfinished, purge_restored, restored_erased, unfinished
    from plantrail.store.errors import StoreUnavailable

    if writing:
        done = purge_restored(app)
        if done:
            click.echo(f"plantrail: erased again {len(done)} child record(s) this restored database still held "
                       "(the erasure list kept with the key-encryption key)", err=True)
        finished = finish_unfinished(app)
        if finished:
            click.echo(f"plantrail: finished the erasure of {len(finished)} child record(s) whose approval was "
                       "interrupted", err=True)
    elif restored_erased(app):
        raise StoreUnavailable("this database holds records erased since (it was restored from an earlier backup); "
                               "run `plantrail init` to erase them again before reading")
    elif unfinished(app):
        raise StoreUnavailable("an erasure was interrupted before the child's key was destroyed; "
                               "run `plantrail init` to finish it before reading")


def invocation() -> Invocation:
    return click.get_current_context().find_object(Invocation)


def logged(command: str, **shown: Any) -> None:
    """The read under way, logged before it is shown (``Invocation.log_read``)."""
    invocation().log_read(command, **shown)


def hidden_children() -> set[str]:
    """The restricted children whose records the reader may not see: lists leave them out."""
    from plantrail.application.access import unreadable
    from plantrail.projections.access import restrictions

    inv = invocation()
    log = inv.access_log()
    return unreadable(log, inv.actor, inv.purpose, restrictions(inv.app()))


def say_hidden(count: int, what: str) -> None:
    """A list's note of what it left out (on stderr, so --json stays one document)."""
    if count:
        click.echo(f"{count} {what} of restricted children not shown (their records are restricted)", err=True)


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
