"""The review chair's pack: the plan like the paper form, every change since the last
review with its margin note (initials and date), before and after, outcomes to rate."""

from __future__ import annotations

import re
import sys

import pytest
from plantrail_exports_testkit import review_store, run_cli

from plantrail.projections.exports.review_pack import review_pack, to_html


def _row(html: str, action_id: str) -> str:
    start = html.index(f'id="action-{action_id}"')
    return html[start:html.index("</tr>", start)]


def _margin(row: str) -> list[str]:
    return re.findall(r'<span class="note">([^<]*)</span>', row)


def test_changed_rows_carry_the_margin_note_and_before_and_after(store_url: str) -> None:
    app, susan = review_store(store_url)
    try:
        pack = review_pack(app, susan)
        html = to_html(pack)
    finally:
        app.close()
    assert pack["since"]["review_id"] == "R1" and pack["since"]["held_on"] == "2002-08-15"
    amended = _row(html, "A1")
    assert _margin(amended) == ["MG 2002-08-20"]
    assert "<del>1 hour per week</del>" in amended and "<ins>2 hours per week</ins>" in amended
    assert "discussed with Ms Simpson and Jenny Page" in amended
    ended = _row(html, "A2")
    assert _margin(ended) == ["SO 2002-08-28"] and "ended 2002-08-28" in ended
    assert "Initial contact sessions completed" in ended
    corrected = _row(html, "A3")
    assert _margin(corrected)[0].startswith("RE ") and "(corr.)" in corrected
    assert "<del>2002-07-24</del>" in corrected and "<ins>2002-07-25</ins>" in corrected
    new = _row(html, "A4")
    assert _margin(new) == ["SO 2002-09-02"] and "new" in new
    # Every row's outcomes are ready to rate; the last rating is shown beside them.
    for action_id in ("A1", "A2", "A3", "A4"):
        row = _row(html, action_id)
        assert all(words in row for words in ("Achieved", "Partly achieved", "Not achieved"))
        assert row.count('<span class="box"></span>') == 3
    assert "last rated: Partly" in amended
    # Entries made before the review are not changes since it.
    assert "MG 2002-07-18" not in html
    # The list of changes names the correction's author and its reason.
    assert "correction</span> of " in html and "by Rob Evans (RE)" in html
    assert "date misread from the paper form" in html
    for change in pack["changes"]:
        assert change["event_id"] in html
    # Laid out like the paper form: the six ICS columns, one table per area.
    for heading in ("Identified needs and strengths", "Frequency and length of service",
                    "Person / agency responsible", "Date service will commence / commenced",
                    "Planned outcomes: progress to be achieved by the next review"):
        assert heading in html
    assert html.index("Birth family: parenting capacity") < html.index("Corporate parent: parenting capacity")
    assert "Health" in html


def test_review_pack_on_the_command_line(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'pack.sqlite'}"
    app, susan = review_store(url)
    app.close()
    code, out, err = run_cli(url, "report", "review-pack", susan[:8])
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "MG 2002-08-20" in out
    target = tmp_path / "pack.html"
    code, out, err = run_cli(url, "report", "review-pack", susan, "-o", str(target))
    assert code == 0 and out == "" and "SO 2002-09-02" in target.read_text(encoding="utf-8")
    code, out, err = run_cli(url, "report", "review-pack", susan, "-o", str(tmp_path / "pack.txt"))
    assert code == 2 and "Traceback" not in err and ".html or .pdf" in err
    code, out, err = run_cli(url, "report", "review-pack", "00000000")
    assert code == 2 and "no plan" in err and "Traceback" not in err


def test_pdf_without_weasyprint_says_how_to_install_it(tmp_path, capsys, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'pack.sqlite'}"
    app, susan = review_store(url)
    app.close()
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails
    target = tmp_path / "pack.pdf"
    code, _, err = run_cli(url, "report", "review-pack", susan, "-o", str(target))
    assert code == 2 and "WeasyPrint" in err and "plantrail[pdf]" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2 and not target.exists()


def test_pdf(tmp_path, capsys) -> None:
    pytest.importorskip("weasyprint", reason="PDF is the optional extra pdf: pip install -e '.[pdf]'")
    url = f"sqlite:///{tmp_path / 'pack.sqlite'}"
    app, susan = review_store(url)
    app.close()
    target = tmp_path / "pack.pdf"
    code, _, err = run_cli(url, "report", "review-pack", susan, "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")
