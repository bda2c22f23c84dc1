"""`export ssda903` (issue 24): the DfE looked-after children return as CSV tables, checked
by the DfE's own rules (``csc-validator-be-903`` 0.1.17, in its own environment) on SQLite
and PostgreSQL: a cohort with a placement move, a legal-status change, an emergency
placement ended by a return home, reviews with participation codes and missing periods
returns no errors; so does the demo's looked-after child, Susan Simpson."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from plantrail_exports_testkit import run_cli, staffed
from plantrail_ssda903_testkit import NOW, YEAR, record_cohort, validate_folder, validator_python

from plantrail.application.examples import record_examples, record_susan_first_review
from plantrail.projections.exports.ssda903 import TABLES, ssda903_files

# Every column the return needs is recorded (ethnicity and the reason no UPN is held by
# `child add`): no rule may fail.
NOT_HELD: set[str] = set()
CHILD_EXTRA = {"ethnicity": "WBRI"}
SUSAN_NOT_HELD: set[str] = set()


@pytest.fixture(scope="module")
def validator() -> Path:
    python = validator_python()
    if isinstance(python, str):
        pytest.skip(python)
    return python


def _write(app, year: int, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    folder.mkdir()
    for name, text in ssda903_files(app, year).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_cohort_returns_no_errors(store_url: str, tmp_path: Path, validator: Path) -> None:
    app, _ = staffed(store_url, NOW)
    try:
        record_cohort(app, child_extra=CHILD_EXTRA)
        folder = _write(app, YEAR, tmp_path / "ssda903")
    finally:
        app.close()
    found = validate_folder(validator, folder, YEAR)
    assert sorted(found["tables"]) == sorted(TABLES), "the validator recognised every table by its columns"
    assert not found["failed"], found["failed"]
    errors = [e for e in found["errors"] if e["rule"] not in NOT_HELD]
    assert not errors, errors
    # What the return holds, as the DfE's guidance counts episodes.
    episodes = [(r["CHILD"], r["DECOM"], r["RNE"], r["LS"], r["PLACE"], r["DEC"], r["REC"], r["REASON_PLACE_CHANGE"])
                for r in _rows(folder, "episodes.csv")]
    assert episodes == [
        ("AMY", "10/04/2025", "S", "C1", "U6", "01/07/2025", "X1", "CARPL"),
        ("AMY", "01/07/2025", "P", "C1", "U4", "01/09/2025", "X1", ""),
        ("AMY", "01/09/2025", "L", "C2", "U4", "", "", ""),
        ("BEN", "02/06/2025", "S", "L1", "U6", "04/06/2025", "E4A", ""),
        ("CAL", "10/03/2025", "S", "V2", "K2", "06/10/2025", "X1", "CHILD"),
        ("CAL", "06/10/2025", "P", "V2", "U6", "20/02/2026", "E13", ""),
    ]
    assert [(r["CHILD"], r["REVIEW"], r["REVIEW_CODE"]) for r in _rows(folder, "reviews.csv")] == [
        ("AMY", "06/05/2025", "PN1"), ("AMY", "04/08/2025", "PN2"), ("AMY", "02/02/2026", "PN5"),
        ("CAL", "01/07/2025", "PN1"), ("CAL", "05/01/2026", "PN1")]
    assert [(r["CHILD"], r["MISSING"], r["MIS_START"], r["MIS_END"]) for r in _rows(folder, "missing.csv")] == [
        ("AMY", "M", "02/10/2025", "03/10/2025"), ("AMY", "A", "05/11/2025", "06/11/2025")]
    assert [(r["CHILD"], r["PREV_PERM"]) for r in _rows(folder, "prevperm.csv")] == [("AMY", "Z1"), ("BEN", "Z1")]
    assert [(r["CHILD"], r["SEX"], r["MOTHER"]) for r in _rows(folder, "header.csv")] == [
        ("AMY", "F", "0"), ("BEN", "M", ""), ("CAL", "M", "")]


def test_every_table_has_its_header_utf8_without_a_bom(store_url: str, tmp_path: Path) -> None:
    app, _ = staffed(store_url, NOW)
    try:
        folder = _write(app, YEAR, tmp_path / "empty")  # nobody looked after: every table empty
    finally:
        app.close()
    assert sorted(p.name for p in folder.iterdir()) == sorted(file for file, _ in TABLES.values())
    for file, columns in TABLES.values():
        raw = (folder / file).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert raw.decode("utf-8").splitlines() == [",".join(columns)]


def test_susan_simpson_is_in_a_valid_return(store_url: str, tmp_path: Path, validator: Path) -> None:
    app, _ = staffed(store_url, NOW)
    try:
        plans = record_examples(app, social_worker="sw1", team_manager="tm1", review_chair="rc1")
        record_susan_first_review(app, plans[-1], social_worker="sw1", review_chair="rc1")
        folder = _write(app, 2003, tmp_path / "ssda903-2003")
    finally:
        app.close()
    (header,) = _rows(folder, "header.csv")
    assert (header["CHILD"], header["DOB"]) == ("DEMOSS", "22/04/1999")
    (episode,) = _rows(folder, "episodes.csv")
    assert (episode["DECOM"], episode["RNE"], episode["LS"], episode["PLACE"], episode["CIN"]) == (
        "18/07/2002", "S", "V2", "U6", "N3")
    assert [(r["REVIEW"], r["REVIEW_CODE"]) for r in _rows(folder, "reviews.csv")] == [("15/08/2002", "PN0")]
    found = validate_folder(validator, folder, 2003)
    errors = [e for e in found["errors"] if e["rule"] not in SUSAN_NOT_HELD]
    assert not errors and not found["failed"], errors or found["failed"]


def test_the_command_writes_the_folder_and_will_not_overwrite(store_url: str, tmp_path: Path, capsys) -> None:
    app, _ = staffed(store_url, NOW)
    try:
        record_cohort(app, child_extra=CHILD_EXTRA)
    finally:
        app.close()
    out = tmp_path / "out"
    code, _, err = run_cli(store_url, "export", "ssda903", "--year", str(YEAR), "-o", str(out))
    assert code == 0, err
    assert len(list(out.iterdir())) == 10 and len(_rows(out, "episodes.csv")) == 6
    code, _, err = run_cli(store_url, "export", "ssda903", "--year", str(YEAR), "-o", str(out))
    assert code == 2 and "exists already" in err
    code, _, err = run_cli(store_url, "export", "ssda903", "--year", str(YEAR), "-o", str(out), "--force")
    assert code == 0, err
    code, _, err = run_cli(store_url, "export", "ssda903", "--year", "1999", "-o", str(tmp_path / "x"))
    assert code == 2
