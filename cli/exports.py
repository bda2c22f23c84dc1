"""`plantrail export ...` and `plantrail report ...` (CLI.md, "Reads"): the DfE census,
a subject access disclosure, and the review chair's pack."""

from __future__ import annotations

import json
from pathlib import Path

import click

from plantrail.cli.context import invocation, logged
from plantrail.cli.output import force_option, write_file


def _app():  # type: ignore[no-untyped-def]
    return invocation().app()


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
@click.option("-o", "--output", metavar="FILE", help="Write the XML here. Default: stdout.")
@click.option("--lea", metavar="CODE", help="The local authority's DfE LA code, for the header (not held in the store).")
@click.option("--serial-no", metavar="N", help="The return's serial number, for the header.")
@force_option
def cin_census(year: int, output: str | None, lea: str | None, serial_no: str | None, force: bool) -> None:
    """The DfE Children in Need census XML for a collection year.

    One CINdetails per Child's Plan open in the year, with its child in need and child
    protection periods, categories of abuse and review conferences; the referral date,
    source of referral, primary need and reason for closure where `plan open` and `plan
    close` recorded them. Plans withdrawn as opened in error are left out. What the store
    does not hold is left out, never invented.

    Example: plantrail export cin-census --year 2025 -o cin-2025.xml
    """
    from plantrail.projections.exports.census import census_return, to_xml

    from plantrail.cli.context import hidden_children, say_hidden

    data = census_return(_app(), year, lea=lea, serial_no=serial_no)
    hidden = hidden_children()
    shown = [c for c in data.children if c.child_ref not in hidden]
    logged("export cin-census", children=[c.child_ref for c in shown])
    say_hidden(len(data.children) - len(shown), "census returns")
    data.children = shown
    _write(output, to_xml(data), force)


@export_group.command("child")
@click.argument("child_ref")
@click.option("-o", "--output", metavar="FILE", help="Write here. Default: stdout.")
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
@click.option("-o", "--output", metavar="FILE.html|FILE.pdf",
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
