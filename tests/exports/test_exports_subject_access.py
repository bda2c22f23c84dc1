"""A subject access disclosure: everything held about one child, every event with its
id, times and actor, corrections shown with who made them."""

from __future__ import annotations

import json

from plantrail_exports_testkit import review_store, run_cli

from plantrail.domain.child import child_id
from plantrail.projections.exports.subject_access import subject_access, to_html


def _all_event_ids(app, child_ref: str) -> set[str]:  # type: ignore[no-untyped-def]
    ids = {e.event_id for e in app.events_of(child_id(child_ref))}
    for period in app.child(child_ref).state.periods:
        ids |= {e.event_id for e in app.events_of(period.plan_id)}
    return ids


def test_everything_held_is_disclosed(store_url: str) -> None:
    app, susan = review_store(store_url)
    try:
        # A correction of the child's own record, by the records officer.
        registered = app.events_of(child_id("DEMOSS"))[0]
        app.correct("ro1", registered.event_id, fields={"upn": "P201123456789", "upn_unknown": None},
                    reason="UPN from the school")
        doc = subject_access(app, "DEMOSS")
        expected = _all_event_ids(app, "DEMOSS")
        html = to_html(doc)
    finally:
        app.close()
    assert {e["event_id"] for e in doc["events"]} == expected
    for event_id in expected:
        assert event_id in html
    for e in doc["events"]:
        assert e["recorded_at"] and e["effective_on"] and e["actor"]
    # In date order (effective date, then when written).
    keys = [(e["effective_on"], e["recorded_at"]) for e in doc["events"]]
    assert keys == sorted(keys)
    assert doc["child"]["upn"] == "P201123456789" and doc["child"]["name"] == "Susan Simpson"
    assert [p["plan_id"] for p in doc["plans"]] == [susan]
    # Corrections, with their author, what they changed and why.
    by_target = {c["target"]: c for c in doc["corrections"]}
    assert by_target[registered.event_id]["actor"] == "ro1"
    assert by_target[registered.event_id]["fields"] == [{"field": "upn", "before": None, "after": "P201123456789"},
                                                        {"field": "upn_unknown", "before": "UN1", "after": None}]
    plan_fix = next(c for c in doc["corrections"] if c["target"].startswith(susan))
    assert plan_fix["fields"] == [{"field": "starts", "before": "2002-07-24", "after": "2002-07-25"}]
    assert plan_fix["reason"] == "date misread from the paper form" and plan_fix["initials"] == "RE"
    assert doc["staff"]["ro1"]["name"] == "Rob Evans"
    # The original stays visible, marked as corrected.
    original = next(e for e in doc["events"] if e["event_id"] == plan_fix["target"])
    assert original["data"]["starts"] == "2002-07-24" and original["corrected_by"] == [plan_fix["event_id"]]
    assert "Rob Evans (ro1, initials RE)" in html and "<del>2002-07-24</del>" in html
    assert "corrected later" in html and "UPN from the school" in html


def test_subject_access_on_the_command_line(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'sa.sqlite'}"
    app, _ = review_store(url)
    expected = _all_event_ids(app, "DEMOSS")
    app.close()
    code, out, err = run_cli(url, "export", "child", "DEMOSS")
    assert code == 0, err
    doc = json.loads(out)
    assert {e["event_id"] for e in doc["events"]} == expected
    target = tmp_path / "susan.html"
    code, out, err = run_cli(url, "export", "child", "DEMOSS", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out, err = run_cli(url, "export", "child", "DEMOSS", "--format", "html")
    assert code == 0 and "Records held about Susan Simpson" in out
    code, out, err = run_cli(url, "export", "child", "NOBODY")
    assert code == 2 and err.startswith("error: no child NOBODY") and "Traceback" not in err
    code, out, err = run_cli(url, "export", "child", "DEMOSS", "--format", "pdf")
    assert code == 2 and "Traceback" not in err


def test_census_on_the_command_line(tmp_path, capsys) -> None:
    from plantrail_exports_testkit import examples_store

    url = f"sqlite:///{tmp_path / 'census.sqlite'}"
    examples_store(url).close()
    target = tmp_path / "cin.xml"
    code, out, err = run_cli(url, "export", "cin-census", "--year", "2025", "-o", str(target),
                             "--lea", "201")
    assert code == 0, err
    xml = target.read_text(encoding="utf-8")
    assert "<LEA>201</LEA>" in xml and "<LAchildID>DEMOKH</LAchildID>" in xml
    code, out, err = run_cli(url, "export", "cin-census", "--year", "2025")
    assert code == 0 and out.startswith("<?xml")
    code, out, err = run_cli(url, "export", "cin-census", "--year", "twenty")
    assert code == 2 and "Traceback" not in err
    code, out, err = run_cli(url, "export", "cin-census")
    assert code == 2 and "--year" in err
