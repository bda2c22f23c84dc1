"""The plantrail command line (shared/CLI.md). Thin: parse, call the application, render.

Heavy modules (eventsourcing, pydantic, psycopg, rich) are imported inside the commands,
so `plantrail --help` stays quick.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import click

from plantrail.cli import help_text
from plantrail.cli.context import Invocation
from plantrail.cli.params import STORE_URL, SecondsType, text_is_utf8
from plantrail.cli.process import collect_from_here, hold_collector, no_plugin_loader, spare_the_exit

# The modules making the top level's commands, with the names each makes: a command's module
# is loaded when the command is asked for, not every module at every start (docs/performance.md).
# A new command adds its name here; a test holds this to each module's COMMANDS.
MODULES: dict[str, tuple[str, ...]] = {
    "writes": ("init", "staff", "child", "correct", "void"),
    "plan_writes": ("plan", "action", "view", "sign", "contact", "review", "aim", "visit", "placement",
                    "supervision", "missing"),
    "reads": ("show", "changes", "history", "plans", "due", "projections"),
    "integrity": ("verify", "checkpoint", "key"),
    "demo": ("demo",),
    "exports": ("export", "report"),
    "bulk": ("import",),
    "completion": ("completion",),
    "census_writes": ("referral", "assessment", "s47"),
    "guidance_writes": ("meeting",),
    "access": ("access",),
    "retention": ("retention", "erase", "kek"),
}
# Groups given commands by modules besides their own (`child show` is made in cli.children).
JOINED: dict[str, tuple[str, ...]] = {"child": ("children",), "plan": ("children", "guidance_writes")}
MADE_IN: dict[str, str] = {name: module for module, names in MODULES.items() for name in names}


class Plantrail(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        # Before click's own handling, which makes a closed pipe exit 1.
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise click.exceptions.Exit(_reader_gone()) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *MADE_IN})

    def get_command(self, ctx: click.Context | None, name: str) -> click.Command | None:
        if name not in self.commands and name in MADE_IN:
            self.add_command(_made(name))
        return self.commands.get(name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                            list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as missing:  # (click offers the commands made so far: none)
            raise click.exceptions.NoSuchCommand(missing.command_name, possibilities=self.list_commands(ctx),
                                                 ctx=ctx) from None


def _made(name: str) -> click.Command:
    """The top-level command ``name``, its modules loaded, made as every command is."""
    for joined in JOINED.get(name, ()):
        import_module(f"plantrail.cli.{joined}")
    command = next(c for c in import_module(f"plantrail.cli.{MADE_IN[name]}").COMMANDS if c.name == name)
    help_text.tidy(command)  # examples a line each, no word broken at a hyphen
    text_is_utf8(command)  # bytes that are not UTF-8 in any text given: exit 2, naming the option
    return command


@click.group(cls=Plantrail, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="PLANTRAIL_DB", type=STORE_URL, metavar="URL",
              help="sqlite:///PATH or postgresql://... Default: an SQLite file in your data directory.")
@click.option("--as", "actor", envvar="PLANTRAIL_AS", metavar="STAFF_ID",
              help="The staff member doing the work or reading (needed by every write and every read of "
                   "a child's records).")
@click.option("--purpose", metavar="TEXT",
              help="Why the record is being read: kept in the access log, in plain (say why, not what it holds).")
@click.option("--read-db", envvar="PLANTRAIL_READ_DB", type=STORE_URL, metavar="URL",
              help="Serve reads from this PostgreSQL hot standby; writes and the access log still go to --db.")
@click.option("--max-lag", type=SecondsType(), metavar="SECONDS",
              help="Refuse to answer from a standby further behind the primary than this.")
@click.version_option(package_name="plantrail")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None, purpose: str | None, read_db: str | None,
        max_lag: float | None) -> None:
    """plantrail: an audit-first record of children's plans.

    Every change is an immutable event; corrections never erase. `plantrail COMMAND
    --help` says what each command takes; docs/cli.md is the whole reference.

    Examples:
    plantrail demo
    plantrail plans
    plantrail show PLAN_ID
    plantrail changes PLAN_ID
    """
    ctx.obj = Invocation(db=db, claimed=actor, purpose=purpose, read_db=read_db, max_lag=max_lag)
    ctx.call_on_close(ctx.obj.close)


help_text.tidy(cli)  # (its own options; each command as it is made)
text_is_utf8(cli)


def whole() -> click.Group:
    """The command line with every command made (what walks the whole tree: tests, docs)."""
    for name in MADE_IN:
        cli.get_command(None, name)
    return cli


def run(args: list[str] | None = None) -> int:
    """Run one command line and return its exit code (CLI.md, "Exit codes")."""
    from plantrail.cli.errors import printable, report

    try:
        code = cli.main(args=args, standalone_mode=False)
        sys.stdout.flush()  # a reader that went away is found here, not at the interpreter's exit
    except BrokenPipeError:
        return _reader_gone()
    except SystemExit as done:
        return int(done.code or 0)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.UsageError as bad:
        hint = f"\nTry '{bad.ctx.command_path} --help'." if bad.ctx else ""
        click.echo(f"error: {printable(_one_line(bad.format_message()))}{hint}", err=True)
        return bad.exit_code
    except click.ClickException as bad:
        click.echo(f"error: {printable(_one_line(bad.format_message()))}", err=True)
        return bad.exit_code
    except Exception as error:  # noqa: BLE001 - every failure gets a plain line and an exit code
        return report(error)
    return code if isinstance(code, int) else 0


def _reader_gone() -> int:
    """stdout's reader closed the pipe (``plantrail demo | head -1``): not an error. What
    was not read is dropped, and stdout pointed at nothing so the exit's flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def _one_line(message: str) -> str:
    """click lists choices one a line; the contract wants one or two plain lines."""
    return " ".join(message.replace(":\n", ": ").split())


def main() -> None:
    """The console script."""
    # plantrail uses no pydantic plugins; looking for them reads every installed package's
    # entry points when a process builds its first model, and the loader that looks imports
    # importlib.metadata: together ~10 % of a command's start (docs/performance.md). Set
    # PYDANTIC_DISABLE_PLUGINS empty to have them looked for.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    no_plugin_loader()
    hold_collector()
    try:
        code = run()
    finally:
        collect_from_here()  # (where the store was never opened: a caller catching SystemExit keeps its collector)
    spare_the_exit()
    raise SystemExit(code)
