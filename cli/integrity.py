"""verify and checkpoint: the auditor's proof that nothing was altered (CLI.md, "Reads")."""

from __future__ import annotations

import json
import os

import click

from plantrail.cli.context import emit, invocation
from plantrail.cli.errors import ALTERED
from plantrail.cli.output import force_option, write_file
from plantrail.cli.params import json_option


@click.command("verify")
@click.option("--against", "checkpoints", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A signed checkpoint file the log must still extend; repeat.")
@click.option("--trusted-key", "trusted", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A file of public keys (key create's PATH.pub) a checkpoint must be signed by; repeat. "
                   "Default: $PLANTRAIL_TRUSTED_KEYS.")
@json_option
def verify(checkpoints, trusted, as_json) -> None:  # type: ignore[no-untyped-def]
    """Recompute the hash chain over the whole log, and check what reads show against it;
    exit 3 if anything was altered.

    Example: plantrail verify --against checkpoints/2026-11-01.json --trusted-key records-manager.pub
    """
    from plantrail.store.checkpoint import load_trusted_keys
    from plantrail.store.verify import verify as verify_store

    inv = invocation()
    app = inv.app(shows_records=False, sealed=False)  # a store that is not there is exit 4: verify never makes one; nor needs a KEK
    files = list(trusted) or ([os.environ["PLANTRAIL_TRUSTED_KEYS"]] if os.environ.get("PLANTRAIL_TRUSTED_KEYS") else [])
    keys = load_trusted_keys(files) if files else None
    report = verify_store(inv.read_url, checkpoints=list(checkpoints), trusted_keys=keys)
    if report.intact:  # the log holds: now what reads show of it
        from plantrail.projections.audit import check_derived
        from plantrail.store.kek import KekProblem

        try:
            _derived(report, check_derived(app))
        except KekProblem as e:
            # The chain is over the sealed bytes and needs no key; the views' rows can only be
            # checked by someone who can read what they were made from.
            click.echo(f"note: the views' rows were not checked ({e})", err=True)
    document = report.model_dump(mode="json")
    emit(document, as_json, lambda: click.echo(_summary(report)))
    if not document["intact"]:
        click.get_current_context().exit(ALTERED)


@click.command("checkpoint")
@click.option("-o", "--output", type=click.Path(dir_okay=False, readable=False),
              help="Write the checkpoint to FILE (a new file).")
@force_option
@click.option("--key", "key_path", envvar="PLANTRAIL_SIGNING_KEY", type=click.Path(dir_okay=False),
              help="The Ed25519 signing key (PEM). Default: $PLANTRAIL_SIGNING_KEY.")
@json_option
def checkpoint(output, key_path, as_json, force) -> None:  # type: ignore[no-untyped-def]
    """Sign the chain's head and position, to keep outside the database.

    Example: plantrail checkpoint --key /secure/plantrail.pem -o checkpoints/2026-11-25.json
    """
    from plantrail.store.checkpoint import make_checkpoint

    if not key_path:
        raise click.UsageError("checkpoint needs a signing key: give --key FILE or set PLANTRAIL_SIGNING_KEY")
    inv = invocation()
    inv.app(shows_records=False, sealed=False)
    document = make_checkpoint(inv.read_url, key_path)
    text = json.dumps(document, indent=2)
    if output:
        write_file(output, text + "\n", force=force, private=False)  # evidence: never overwritten by mistake
    emit(document, as_json, lambda: click.echo(f"checkpoint at position {document['position']}"
                                                 + (f" written to {output}" if output else f"\n{text}")))


def _derived(report, findings) -> None:  # type: ignore[no-untyped-def]
    """Derived rows the log does not give: the report says which (``derived``)."""
    report.derived = [finding._asdict() for finding in findings]
    if findings:
        first = findings[0]
        report.intact, report.problem = False, "derived"
        named = " ".join(part for part in (first.table, first.record) if part)  # (a keyless row names no record)
        report.detail = f"{len(findings)} derived row(s) the log does not give; the first: {named}: {first.detail}"


def _summary(report) -> str:  # type: ignore[no-untyped-def]
    keys = "".join(f"\ncheckpoint {cp.source} (position {cp.position}, made {cp.made_at}): {cp.status}, signed by "
                   f"{cp.key}"
                   + {True: ", a trusted key", False: ", NOT a trusted key", None: " (no trusted keys given)"}[cp.trusted]
                   for cp in report.checkpoints)
    if report.intact:
        extra = f", {report.checkpoints_checked} checkpoint(s) extended" if report.checkpoints_checked else ""
        pending = sum(cp.status == "pending" for cp in report.checkpoints)
        if pending:
            extra += (f", {pending} pending (this standby has replayed up to position {report.head_position}; "
                      "verify them on the primary)")
        return f"intact: {report.events_checked} events checked{extra}{keys}"
    where = f" at position {report.first_bad_position}" if report.first_bad_position is not None else ""
    rows = "".join(f"\n  {d['table']} {d['record']}: {d['detail']}" for d in report.derived[1:20])
    return (f"ALTERED: {report.problem}{where} ({report.events_checked} events checked)\n{report.detail}{rows}{keys}")


@click.group("key")
def key() -> None:
    """The signing key for checkpoints (keep it off the database server)."""


@key.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
def key_create(path, as_json) -> None:  # type: ignore[no-untyped-def]
    """Create an Ed25519 signing key file (mode 0600) and its public key beside it (PATH.pub);
    prints the public key and its fingerprint.

    Example: plantrail key create /secure/plantrail-signing.pem
    """
    from plantrail.store.checkpoint import create_key, fingerprint, public_key_path

    public = create_key(path)
    pub = str(public_key_path(path))
    emit({"path": path, "public_key": public, "public_key_file": pub, "fingerprint": fingerprint(public)}, as_json,
         lambda: click.echo(f"public key: {public}\nfingerprint: {fingerprint(public)}\nwritten to {pub}"))


COMMANDS = [verify, checkpoint, key]
