"""The plantrail command line (shared/CLI.md). Thin: parse, call the application, render.

Heavy modules (eventsourcing, pydantic, psycopg, rich) are imported inside the commands,
so `plantrail --help` stays quick.
"""

from __future__ import annotations

import click

from cli import demo, integrity, reads, writes
from cli.context import Invocation


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="PLANTRAIL_DB", metavar="URL",
              help="sqlite:///PATH or postgresql://... Default: an SQLite file in your data directory.")
@click.option("--as", "actor", envvar="PLANTRAIL_AS", metavar="STAFF_ID",
              help="The staff member doing the work (needed by every write).")
@click.version_option(package_name="plantrail")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None) -> None:
    """plantrail: an audit-first record of children's plans.

    Every change is an immutable event; corrections never erase. Example session:

        plantrail demo
        plantrail plans
        plantrail show PLAN_ID
    """
    ctx.obj = Invocation(db=db, actor=actor)
    ctx.call_on_close(ctx.obj.close)


for command in (*writes.COMMANDS, *reads.COMMANDS, *integrity.COMMANDS, *demo.COMMANDS):
    cli.add_command(command)


def main() -> None:
    """Entry point: run the CLI, turning every failure into the contract's exit code."""
    from cli.errors import fail

    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        raise SystemExit(done.exit_code) from None
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        raise SystemExit(1) from None
    except click.UsageError as bad:
        hint = f"\nTry '{bad.ctx.command_path} --help'." if bad.ctx else ""
        click.echo(f"error: {bad.format_message()}{hint}", err=True)
        raise SystemExit(bad.exit_code) from None
    except click.ClickException as bad:
        click.echo(f"error: {bad.format_message()}", err=True)
        raise SystemExit(bad.exit_code) from None
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 - every failure gets a plain line and an exit code
        fail(error)
