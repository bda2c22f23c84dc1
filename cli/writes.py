"""The write commands of CLI.md: init, staff, children, corrections (plans and their
parts: ``cli.plan_writes``). Each parses its options into its typed command
(``plantrail.application.commands``), runs it, and prints what the contract says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from plantrail.cli import looked_after_options as looked_after
from plantrail.cli.context import emit, invocation, views_after_write, written
from plantrail.cli.params import DATE, PAIR, ROLE, command_id_option, json_option, on_option

# The write commands made here and in cli.plan_writes, with the command each runs (by its
# name in plantrail.application.commands): a test checks each one's options against its
# command's fields. The models are looked up when the command runs, so that `--help` does
# not build them.
WRITES: list[tuple[click.Command, str]] = []


def write(group: click.Group | None, command: str | type, *, prints: str | None = None,
          after: Callable[[Any, Any], None] | None = None) -> Callable[..., Any]:
    """A write command, named as its command (``plan approve`` in the group ``plan``): give the
    name, not the model class, so that the CLI module does not import the models (a class is
    taken too, by its ``command``).

    The decorated function is given the parsed options and returns the command's
    fields (most pass them on as they are). Every write takes --command-id and --json
    (CLI.md); ``prints`` names the result it prints (``plan_id``), if any.
    """
    name: str = command if isinstance(command, str) else command.command  # type: ignore[attr-defined]
    make = group.command if group is not None else click.command

    def decorate(fields_of: Callable[..., dict[str, Any]]) -> click.Command:
        def run(command_id: str | None, as_json: bool, **options: Any) -> None:
            from plantrail.application.commands import command_named
            from plantrail.cli.said import tell  # the event catalogue: not for --help

            inv = invocation()
            app = inv.writer()
            command = command_named(name).model_validate(fields_of(**options))  # type: ignore[union-attr]
            result = app.run(command, actor=inv.actor, command_id=command_id)
            if after is not None:  # what the store does once the command is recorded (erasure)
                after(app, command)
            views_after_write()
            tell(app, prints, result, as_json)

        run.__doc__ = fields_of.__doc__
        made = make(name.split()[-1])(command_id_option(json_option(_with_params(run, fields_of))))
        WRITES.append((made, name))
        return made

    return decorate


def _with_params(run: Callable[..., Any], fields_of: Callable[..., Any]) -> Callable[..., Any]:
    """``run`` carrying the click options declared on ``fields_of``."""
    run.__click_params__ = list(getattr(fields_of, "__click_params__", []))  # type: ignore[attr-defined]
    return run


# ------------------------------------------------------------------------- init
@click.command("init")
@click.option("--app-role", metavar="DB_ROLE",
              help="PostgreSQL: grant this login role what plantrail's reads and writes need, and nothing that "
                   "could change the log (run as the store's owner).")
@click.option("--identity", type=click.Choice(["claimed", "login"]),
              help="How the store knows who acts: claimed (--as, the default) or login (PostgreSQL: the staff "
                   "member bound to the database login; see staff bind).")
@json_option
def init(app_role: str | None, identity: str | None, as_json: bool) -> None:
    """Create or upgrade the store (idempotent); on PostgreSQL install the immutability guards.

    Example: plantrail --db postgresql://plantrail_owner@db/records init --identity login --app-role plantrail_staff
    """
    from plantrail.store.guards import grant_app_role, install_guards
    from plantrail.store.identity import check_identity, set_identity
    from plantrail.store.maintenance import tune_autovacuum

    inv = invocation()
    if identity:
        check_identity(inv.url, identity)  # refused before anything is made
    kek = inv.writer().recorder.keyring.kek().path  # made now for a store without keys: said where, below
    install_guards(inv.url)
    changed = set_identity(inv.url, identity) if identity else False
    granted = grant_app_role(inv.url, app_role) if app_role else []
    autovacuum = tune_autovacuum(inv.app())  # the log's own settings (docs/database.md)
    written(None, False)  # the views catch up (an upgrade may have made them anew)
    if as_json:
        emit({"ok": True, "store": inv.url, "app_role": app_role, "granted": granted, "kek": str(kek),
              "identity": identity_now(inv)}, True)
    else:
        from plantrail.cli.output import say

        click.echo(f"store ready: {inv.url}")  # (lines a script may read: never wrapped, a path may hold spaces)
        if app_role:
            say(f"{app_role} may read and write through plantrail")
        click.echo(f"key-encryption key: {kek} (keep it apart from the store's backups)")
        if changed and identity:
            say(f"who acts: {IDENTITY_WORDS[identity]}")
    if autovacuum is not None:
        from plantrail.cli.render import autovacuum_note

        autovacuum_note(autovacuum, as_json)


IDENTITY_WORDS = {"login": "the staff member bound to the database login; --as may be left out",
                  "claimed": "the staff member named by --as"}


def identity_now(inv: Any) -> str:
    from plantrail.store.identity import identity_of

    return identity_of(inv.app()).mode


# ------------------------------------------------------------------------- staff
@click.group("staff")
def staff() -> None:
    """Register staff members and their roles."""


@write(staff, "staff add")
@click.argument("staff_id")
@click.option("--name", required=True, help="Full name.")
@click.option("--initials", required=True, help="Initials for the margin notes.")
@click.option("--role", "roles", type=ROLE, multiple=True, required=True, help="A role; repeat for more.")
@click.option("--login", metavar="DB_ROLE", help="Bind this database login role to them (as staff bind).")
def staff_add(**options: Any) -> dict[str, Any]:
    """Register a staff member. The first on an empty store needs no --as and must be a team manager.

    Example: plantrail staff add tm1 --name "Tina Moss" --initials TM --role team-manager --login tmoss
    """
    return {**options, "roles": list(options["roles"])}


@write(staff, "staff bind")
@click.argument("staff_id")
@click.option("--login", required=True, metavar="DB_ROLE", help="The database login role that is this person.")
def staff_bind(**options: Any) -> dict[str, Any]:
    """Bind a database login role to a staff member (team manager). In a store initialised with
    --identity login, whoever connects as that login acts and reads as them; a login stays bound
    to its person for good.

    Example: plantrail staff bind sw1 --login mgreen
    """
    return options


@write(staff, "staff grant")
@click.argument("staff_id")
@click.option("--role", type=ROLE, required=True)
def staff_grant(**options: Any) -> dict[str, Any]:
    """Grant a further role to a staff member (team manager).

    Example: plantrail --as tm1 staff grant sw1 --role review-chair
    """
    return options


@write(staff, "staff revoke")
@click.argument("staff_id")
@click.option("--role", type=ROLE, required=True, help="The role to take away.")
@click.option("--reason", required=True, help="Why.")
def staff_revoke(**options: Any) -> dict[str, Any]:
    """Take a role away from a staff member (team manager). What they did with it stays theirs.

    Example: plantrail --as tm1 staff revoke sw1 --role review-chair --reason "left the chairs' rota"
    """
    return options


@write(staff, "staff leave")
@click.argument("staff_id")
@click.option("--on", type=DATE, required=True, help="The date they leave: from it they may do nothing.")
@click.option("--reason", required=True, help="Why.")
def staff_leave(**options: Any) -> dict[str, Any]:
    """Record that a staff member leaves (team manager): from that date every command of theirs,
    reads included, is refused. Their past work stays theirs.

    Example: plantrail --as tm1 staff leave sw1 --on 2026-12-31 --reason "left the authority"
    """
    return options


# ------------------------------------------------------------------------- children
@click.group("child")
def child() -> None:
    """Register, look up and correct children's records."""


@write(child, "child add")
@click.argument("child_ref")
@click.option("--name", required=True)
@click.option("--born", type=DATE, required=True, help="Date of birth, YYYY-MM-DD.")
@click.option("--sex", type=click.Choice(["F", "M", "U"]), default="U", show_default=True)
@click.option("--upn", help="Unique pupil number.")
@click.option("--nation", type=click.Choice(["england", "wales", "scotland"]), default="england",
              show_default=True)
@click.option("--ethnicity", help="The DfE ethnicity code (WBRI, MWBC, AIND, REFU, NOBT, ...).")
@click.option("--disability", "disabilities", multiple=True,
              help="A DfE disability code (NONE, MOB, HAND, PC, INC, COMM, LD, HEAR, VIS, BEH, CON, AUT, DDA); repeat.")
@click.option("--upn-unknown", help="Why no UPN is held: UN1-UN7 (the DfE codes).")
@click.option("--former-upn", help="A UPN the child had before.")
@click.option("--died", type=DATE, help="Date of death, YYYY-MM-DD (the retention period runs from it).")
@on_option
@looked_after.child_options
def child_add(**options: Any) -> dict[str, Any]:
    """Register a child by the local authority's reference (social worker).

    The returns' characteristics (--ethnicity, --disability, --upn-unknown, --former-upn,
    --died) are the DfE's codes; `child correct` puts them right later.

    Example: plantrail --as sw1 child add K100 --name "Karen Hawthorne" --born 2023-02-01 --sex F --ethnicity WBRI --disability NONE
    """
    fields = looked_after.child_fields(options)
    return {**fields, "disabilities": list(options["disabilities"])}


# ------------------------------------------------------------------------- corrections
@write(None, "correct", prints="event_id")
@click.argument("event_id")
@click.option("--set", "pairs", type=PAIR, multiple=True, required=True,
              help="FIELD=VALUE, FIELD as `show --json` names it; repeat.")
@click.option("--reason", required=True)
def correct(event_id: str, pairs: tuple[tuple[str, str], ...], reason: str) -> dict[str, Any]:
    """Correct a recording error; the original stays in the record (records officer).

    Example: plantrail --as ro1 correct 3f2a9c1e-.../4 --set starts=2026-03-16 --reason "date mistyped"
    """
    return {"event_id": event_id, "fields": {name: _value(name, value) for name, value in pairs}, "reason": reason}


def _value(name: str, value: str) -> Any:
    """Lists (outcomes, to) are given as JSON arrays or one item; everything else as text."""
    import json

    if name in ("outcomes", "to", "roles"):
        try:
            loaded = json.loads(value)
        except ValueError:
            return [value]
        return loaded if isinstance(loaded, list) else [value]
    return value


@write(None, "void")
@click.argument("event_id")
@click.option("--reason", required=True)
def void(**options: Any) -> dict[str, Any]:
    """Withdraw an entry recorded in error; it stays in the record, marked (records officer).

    Example: plantrail --as ro1 void 3f2a9c1e-.../6 --reason "recorded on the wrong child"
    """
    return options


COMMANDS = [init, staff, child, correct, void]
