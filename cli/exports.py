"""`plantrail export ...` and `plantrail report ...` (CLI.md, "Reads"): the DfE census,
a subject access disclosure, and the review chair's pack."""

from __future__ import annotations

import json
from pathlib import Path

import click

from plantrail.cli.context import hidden_children, invocation, logged, say_hidden
from plantrail.cli.output import OUTPUT, force_option, write_file


def _app():  # type: ignore[no-untyped-def]
    return invocation().reader_app()


def _write(output: str | None, content: str | bytes, force: bool = False) -> None:
    """To the file named by -o (a new file, or --force; readable by its owner only: it holds
    children's records), else to stdout."""
    if output is None or output == "-":
        if isinstance(content, bytes):  # pragma: no cover - PDF always goes to a file
            click.get_binary_stream("stdout").write(content)
        else:
            click.echo(content, nl=not content.endswith("\n"))
        return
    write_file(output, content, force=force)


@click.group("export")
def export_group() -> None:
    """Statutory returns and disclosures: the DfE CIN census, everything held about a child."""


@export_group.command("cin-census")
@click.option("--year", type=click.IntRange(2000, 2999), required=True,
              help="The year the collection ends in: 2025 is 1 April 2024 to 31 March 2025.")
@click.option("-o", "--output", type=OUTPUT, metavar="FILE",
              help="Write the XML here. Default: stdout.")
@click.option("--lea", metavar="CODE", help="The local authority's DfE LA code, for the header (not held in the store).")
@click.option("--serial-no", metavar="N", help="The return's serial number, for the header.")
@force_option
def cin_census(year: int, output: str | None, lea: str | None, serial_no: str | None, force: bool) -> None:
    """The DfE Children in Need census XML for a collection year.

    Every child in need with an episode in the year: the referral (`referral record`,
    with no further action too), its assessments and Section 47 enquiries, and the
    plans that name it (`plan open --referred DATE`) — child in need and child
    protection periods, and looked-after children's Care Plans; the child's
    characteristics (`child add`). What it leaves out, and what a DfE rule asks for that
    was not recorded, it says on stderr, a line each. Nothing is invented.

    Example: plantrail export cin-census --year 2025 -o cin-2025.xml
    """
    from plantrail.projections.exports.census import NOT_HELD, census_return
    from plantrail.projections.exports.census_xml import to_xml

    data = census_return(_app(), year, lea=lea, serial_no=serial_no)
    hidden = hidden_children()
    shown = [c for c in data.children if c.child_ref not in hidden]
    logged("export cin-census", children=[c.child_ref for c in shown])
    say_hidden(len(data.children) - len(shown), "census returns")
    data.children = shown
    _write(output, to_xml(data), force)
    for note in (NOT_HELD, *data.notes):
        click.echo(note, err=True)


@export_group.command("ssda903")
@click.option("--year", type=click.IntRange(2000, 2999), required=True,
              help="The year the collection ends in: 2025 is 1 April 2024 to 31 March 2025.")
@click.option("-o", "--output", type=OUTPUT, metavar="DIR", required=True,
              help="The folder to write the tables into (made if missing).")
@force_option
def ssda903(year: int, output: str, force: bool) -> None:
    """The DfE SSDA903 looked-after children return for a collection year, as CSV tables.

    Writes header.csv, episodes.csv, reviews.csv, uasc.csv, oc2.csv, oc3.csv, ad1.csv,
    placed_adoption.csv, prevperm.csv and missing.csv: the DfE's column names, dates
    DD/MM/YYYY, UTF-8 without a byte-order mark, every table with its header row even
    when empty. Episodes come from `placement record` and `placement end` (a new row for
    each change of placement or legal status). Tables plantrail does not record (UASC,
    OC2, OC3, AD1, placed for adoption) are written empty: see docs/exports.md.

    Example: plantrail export ssda903 --year 2026 -o ssda903-2026
    """
    from plantrail.domain.errors import BadInput
    from plantrail.projections.exports.ssda903 import files_of, ssda903_tables

    folder = Path(output)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise BadInput(f"{output} is not a folder", fix="give -o the path of a folder (made if missing)")
    # Every table names its child (CHILD): a restricted child the reader may not see is left out.
    every, hidden = ssda903_tables(_app(), year), hidden_children()
    tables = {name: [row for row in rows if row["CHILD"] not in hidden] for name, rows in every.items()}
    logged("export ssda903", children=[row["CHILD"] for row in tables["Header"]])
    say_hidden(len(every["Header"]) - len(tables["Header"]), "SSDA903 returns")
    files = files_of(tables)
    existing = [name for name in files if (folder / name).exists()]
    if existing and not force:
        raise BadInput(f"{folder / existing[0]} exists already; nothing was written",
                       fix="give another -o DIR, or --force to replace the tables")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, text in files.items():
        write_file(str(folder / name), text, force=force)
    click.echo(f"wrote {len(files)} tables to {folder}", err=True)


@export_group.command("child")
@click.argument("child_ref")
@click.option("-o", "--output", type=OUTPUT, metavar="FILE", help="Write here. Default: stdout.")
@click.option("--format", "fmt", type=click.Choice(["json", "html"]), default=None,
              help="json (default) or html; taken from -o's extension when not given.")
@click.option("--json", "as_json", is_flag=True, help="The JSON document (the same as --format json).")
@force_option
def export_child(child_ref: str, output: str | None, fmt: str | None, as_json: bool, force: bool) -> None:
    """Everything held about one child, for a subject access request.

    The child's record, each plan as it stands, every entry (event id, when it was
    written, the date it took effect, who made it), and every correction with its author.

    Example: plantrail export child C123 --format html -o C123.html
    """
    from plantrail.projections.exports.subject_access import subject_access, to_html

    if as_json:
        fmt = "json"
    if fmt is None:
        fmt = "html" if output and output.lower().endswith((".html", ".htm")) else "json"
    document = subject_access(_app(), child_ref)
    logged("export child", child=child_ref)
    if fmt == "html":
        _write(output, to_html(document), force)
    else:
        _write(output, json.dumps(document, default=str, ensure_ascii=False, indent=2) + "\n", force)


@click.group("report")
def report_group() -> None:
    """Reports for people: the review chair's pack."""


@report_group.command("review-pack")
@click.argument("plan_id")
@click.option("-o", "--output", type=OUTPUT, metavar="FILE.html|FILE.pdf",
              help="Write HTML or PDF (by the extension). Default: HTML on stdout.")
@click.option("--marking", envvar="PLANTRAIL_MARKING", metavar="TEXT",
              help="The protective marking at the top and foot of every page "
                   "(or PLANTRAIL_MARKING). Default: OFFICIAL-SENSITIVE.")
@force_option
def review_pack_command(plan_id: str, output: str | None, marking: str | None, force: bool) -> None:
    """The review chair's pack: the plan laid out like the paper form, every change
    since the last review with initials and date in the margin, outcomes ready to rate.

    Each PDF page is headed with the protective marking, the child's name, the plan and
    the page number, and footed with the marking.

    Example: plantrail report review-pack 3f2a9c1e -o pack.pdf
    """
    from plantrail.domain.errors import BadInput
    from plantrail.projections.exports.review_pack import review_pack, to_html, to_pdf

    suffix = Path(output).suffix.lower() if output and output != "-" else ".html"
    if suffix not in (".html", ".htm", ".pdf"):
        raise BadInput(f"cannot write a review pack as '{suffix or output}'",
                       fix="give -o a file ending .html or .pdf, or leave -o out for HTML on stdout")
    if suffix == ".pdf":
        _pdf_available()
    from plantrail.cli.reads import log_plan_read, plan_of

    pack = review_pack(_app(), plan_id, marking=marking)
    log_plan_read("report review-pack", plan_of(_app(), plan_id))
    html = to_html(pack)
    _write(output, to_pdf(html) if suffix == ".pdf" else html, force)


def _pdf_available() -> None:
    """Refuse before any work when WeasyPrint is missing (exit 2, how to install it)."""
    from plantrail.domain.errors import BadInput

    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        raise BadInput("PDF needs WeasyPrint, which is not installed",
                       fix="pip install 'plantrail[pdf]' (or write HTML: -o pack.html)") from None


COMMANDS = [export_group, report_group]
