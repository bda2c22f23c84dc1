"""Issue 25, item 11: the review pack a chair can take to a meeting: empty areas in one line,
"Recorded" as the day and initials with the ids in footnotes, an entry withdrawn in error struck
through where it stands, and every PDF page headed with the protective marking, the child, the
plan and the page (and footed with the marking)."""

from __future__ import annotations

import re

import pytest
from plantrail_exports_testkit import review_store, run_cli

from plantrail.projections.exports.review_pack import review_pack, to_html, to_pdf


def _voided_view(app, susan):  # type: ignore[no-untyped-def]
    from datetime import date

    app.record_view("sw1", susan, party="child", name="Karen", text="Recorded on the wrong child",
                    on=date(2002, 8, 21))
    wrong = [e for e in app.events_of(app.plan_id(susan)) if type(e).__name__ == "ViewRecorded"][-1]
    app.void("ro1", wrong.event_id, reason="recorded on the wrong child")
    return wrong.event_id


def test_the_pack_reads_as_a_chair_needs_it(store_url: str) -> None:
    app, susan = review_store(store_url)
    try:
        wrong = _voided_view(app, susan)
        pack = review_pack(app, susan)
        html = to_html(pack)
        custom = to_html(review_pack(app, susan, marking="OFFICIAL"))
    finally:
        app.close()
    # The marking at the top and the foot; another when asked for.
    assert html.count('class="marking') == 2 and ">OFFICIAL-SENSITIVE</div>" in html
    assert ">OFFICIAL</div>" in custom and "OFFICIAL-SENSITIVE" not in custom
    # Empty areas: one line, not a heading and a sentence each.
    assert html.count("No actions recorded") == 1
    assert re.search(r"No actions recorded in: [^<]*Education; [^<]*Identity", html)
    assert "<h3>Education</h3>" not in html
    # Recorded: the day and the initials; ids and times in the numbered footnotes.
    changes = html[html.index('<table class="changes">'):html.index("</ol>")]
    assert re.search(r"\d{4}-\d\d-\d\d · MG<sup>", changes)
    assert not re.search(r"<td[^>]*>\s*\d{4}-\d\d-\d\dT\d", changes)  # no raw timestamp in a cell
    for note in pack["notes"]:
        assert f'<li id="note-{note["number"]}">entry {note["event_id"]}, recorded {note["recorded_at"]}' in html
    # The view recorded in error is struck through where it stood: in the list and among the views.
    struck = [n for n in pack["notes"] if n["event_id"] == wrong]
    assert struck and struck[0]["voided_by"]["reason"] == "recorded on the wrong child"
    row = html[html.index(f'id="change-{struck[0]["number"]}"'):]
    row = row[:row.index("</tr>")]
    assert 'class="voided"' in row and 'class="struck"' in row and "recorded on the wrong child" in row
    views = html[html.index("<h2>Views"):html.index("<h2>Signatures")]
    assert '<tr class="voided"><td><del>Child</del>' in views and "<del>Recorded on the wrong child</del>" in views


def test_every_pdf_page_carries_the_marking_child_plan_and_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    weasyprint = pytest.importorskip("weasyprint", reason="PDF is the optional extra pdf: pip install -e '.[pdf]'")
    url = f"sqlite:///{tmp_path / 'pack.sqlite'}"
    app, susan = review_store(url)
    try:
        pack = review_pack(app, susan)
    finally:
        app.close()
    document = weasyprint.HTML(string=to_html(pack)).render()
    assert len(document.pages) >= 2
    running = f"{pack['child']['name']} ({pack['child']['child_ref']}) · Care Plan · plan {susan}"
    for number, page in enumerate(document.pages, start=1):
        boxes = {box.at_keyword: " ".join(t.text for t in box.descendants() if hasattr(t, "text"))
                 for box in page._page_box.children if type(box).__name__ == "MarginBox"}
        assert boxes["@top-left"] == "OFFICIAL-SENSITIVE" and boxes["@bottom-center"] == "OFFICIAL-SENSITIVE"
        assert boxes["@top-center"] == running
        assert boxes["@top-right"] == f"page {number} of {len(document.pages)}"
    assert to_pdf(to_html(pack)).startswith(b"%PDF")


def test_the_marking_is_given_on_the_command_line(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'pack.sqlite'}"
    app, susan = review_store(url)
    app.close()
    code, out, err = run_cli(url, "report", "review-pack", susan, "--marking", "OFFICIAL")
    assert code == 0 and ">OFFICIAL</div>" in out, err
    monkeypatch.setenv("PLANTRAIL_MARKING", "SECRET")
    code, out, err = run_cli(url, "report", "review-pack", susan)
    assert code == 0 and ">SECRET</div>" in out and "OFFICIAL-SENSITIVE" not in out, err
