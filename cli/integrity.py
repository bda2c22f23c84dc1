"""verify and checkpoint: the auditor's proof that nothing was altered (CLI.md, "Reads")."""

from __future__ import annotations

import json

import click

from plantrail.cli.context import emit, invocation
from plantrail.cli.errors import ALTERED
from plantrail.cli.params import json_option


@click.command("verify")
@click.option("--against", "checkpoints", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A signed checkpoint file the log must still extend; repeat.")
@json_option
def verify(checkpoints, as_json) -> None:  # type: ignore[no-untyped-def]
    """Recompute the hash chain over the whole log; exit 3 if anything was altered.

    Example: plantrail verify --against checkpoints/2026-11-01.json
    """
    from plantrail.store.verify import verify as verify_store

    inv = invocation()
    inv.app()  # opens (and creates) the store, so an unreachable one exits 4
    report = verify_store(inv.url, checkpoints=list(checkpoints))
    document = report.model_dump(mode="json")
    emit(document, as_json, lambda: click.echo(_summary(report)))
    if not document["intact"]:
        click.get_current_context().exit(ALTERED)


@click.command("checkpoint")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the checkpoint to FILE.")
@click.option("--key", "key_path", envvar="PLANTRAIL_SIGNING_KEY", type=click.Path(dir_okay=False),
              help="The Ed25519 signing key (PEM). Default: $PLANTRAIL_SIGNING_KEY.")
@json_option
def checkpoint(output, key_path, as_json) -> None:  # type: ignore[no-untyped-def]
    """Sign the chain's head and position, to keep outside the database.

    Example: plantrail checkpoint --key /secure/plantrail.pem -o checkpoints/2026-11-25.json
    """
    from plantrail.store.checkpoint import make_checkpoint

    if not key_path:
        raise click.UsageError("checkpoint needs a signing key: give --key FILE or set PLANTRAIL_SIGNING_KEY")
    inv = invocation()
    inv.app()
    document = make_checkpoint(inv.url, key_path)
    text = json.dumps(document, indent=2)
    if output:
        with open(output, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    emit(document, as_json, lambda: click.echo(f"checkpoint at position {document['position']}"
                                                 + (f" written to {output}" if output else f"\n{text}")))


def _summary(report) -> str:  # type: ignore[no-untyped-def]
    if report.intact:
        extra = f", {report.checkpoints_checked} checkpoint(s) extended" if report.checkpoints_checked else ""
        return f"intact: {report.events_checked} events checked{extra}"
    return (f"ALTERED: {report.problem} at position {report.first_bad_position} "
            f"({report.events_checked} events checked)\n{report.detail}")


@click.group("key")
def key() -> None:
    """The signing key for checkpoints (keep it off the database server)."""


@key.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
def key_create(path, as_json) -> None:  # type: ignore[no-untyped-def]
    """Create an Ed25519 signing key file (mode 0600); prints its public key.

    Example: plantrail key create /secure/plantrail-signing.pem
    """
    from plantrail.store.checkpoint import create_key

    public = create_key(path)
    emit({"path": path, "public_key": public}, as_json, lambda: click.echo(f"public key: {public}"))


COMMANDS = [verify, checkpoint, key]
