"""The DfE's SSDA903 validator for the tests, in its own environment, and a cohort to check.

``csc-validator-be-903`` 0.1.17 pins pandas 1.5 and numpy 1.24, which plantrail's own
environment does not hold, so it lives in a venv of its own: PLANTRAIL_903_VENV if set,
else ``~/.cache/plantrail-903/venv``. Where it is missing the tests make it (``python3 -m
venv`` and pip; about 95 seconds on the development machine, from local wheels), so CI
never skips; only where it cannot be made (no network, no index) do they skip, saying why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

VALIDATOR = "csc-validator-be-903==0.1.17"
HERE = Path(__file__).parent
LA_CODE = "E08000035"  # Leeds: the postcodes below are Leeds postcodes
YEAR = 2026  # 1 April 2025 to 31 March 2026


def validator_python() -> Path | str:
    """The validator's Python, made if missing; a string saying why where it cannot be."""
    venv = Path(os.environ.get("PLANTRAIL_903_VENV") or Path.home() / ".cache" / "plantrail-903" / "venv")
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import lac_validator"]
    if python.exists() and subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return python
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "-q", VALIDATOR], check=True, capture_output=True,
                       timeout=1200)
    except (subprocess.SubprocessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        return f"cannot install {VALIDATOR} into {venv}: {error} {detail.decode(errors='replace')[-300:]}"
    return python


def validate_folder(python: Path, folder: Path, year: int, la_code: str = LA_CODE) -> dict[str, Any]:
    """The validator's findings on a folder of tables (``ssda903_validate.py``)."""
    done = subprocess.run([str(python), str(HERE / "ssda903_validate.py"), str(folder), str(year), la_code],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # the validator prints too; ours is last


def upn(serial: int) -> str:
    """A well-formed unique pupil number: the DfE's check letter, then LA 383 (Leeds),
    establishment 2001, year 15 and a serial."""
    body = f"383200115{serial:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, range(2, 14), strict=True))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + body


NOW = datetime(2026, 4, 20, 10, 0)


def record_cohort(app: Any, *, child_extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Looked-after children of the 2025-26 collection year:

    * AMY: starts to be looked after (interim care order, foster carer), moves placement
      (the care plan's change), and her legal status changes to a full care order without
      a move; statutory reviews with participation codes; missing and away periods.
    * BEN: an emergency placement under police protection, ended by his return home.
    * CAL: looked after since before the year (section 20), a move in the year, then leaves
      care to live with a relative.
    """
    extra = child_extra or {}
    sw, rc = "sw1", "rc1"
    app.register_child(sw, "AMY", name="Amy Ash", born=date(2011, 6, 15), sex="F", upn=upn(1),
                       previous_permanence="Z1", mother=False, on=date(2025, 4, 10), **extra)
    app.register_child(sw, "BEN", name="Ben Birch", born=date(2014, 2, 1), sex="M", upn=upn(2),
                       previous_permanence="Z1", on=date(2025, 6, 2), **extra)
    app.register_child(sw, "CAL", name="Cal Cedar", born=date(2009, 9, 9), sex="M", upn=upn(3),
                       previous_permanence="Z1", on=date(2025, 3, 10), **extra)
    amy = app.open_plan(sw, "AMY", kind="care-plan", aim="Amy to live safely with long-term carers",
                        aim_option=6, on=date(2025, 4, 10))
    app.record_placement(sw, amy, on=date(2025, 4, 10), placement_type="U6", legal_status="C1",
                         reason_new_episode="S", provider="PR1", need="N1", postcode="LS6 2AA",
                         home_postcode="LS11 5QR", urn="XXXXXXX", placement="Mr and Mrs Oak")
    app.hold_review(rc, amy, kind="statutory", on=date(2025, 5, 6), chair=rc, participation="PN1")
    app.record_placement(sw, amy, on=date(2025, 7, 1), placement_type="U4", reason_new_episode="P",
                         change_reason="CARPL", postcode="LS8 1AA", placement="Mrs Elm, long-term")
    app.hold_review(rc, amy, kind="statutory", on=date(2025, 8, 4), chair=rc, participation="PN2")
    app.record_placement(sw, amy, on=date(2025, 9, 1), legal_status="C2", reason_new_episode="L")
    app.hold_review(rc, amy, kind="statutory", on=date(2026, 2, 2), chair=rc, participation="PN5")
    app.record_missing(sw, "AMY", started=date(2025, 10, 2), ended=date(2025, 10, 3), kind="missing")
    app.record_missing(sw, "AMY", started=date(2025, 11, 5), ended=date(2025, 11, 6), kind="away")

    ben = app.open_plan(sw, "BEN", kind="care-plan", aim="Ben to return home safely", aim_option=3,
                        on=date(2025, 6, 3))
    app.record_placement(sw, ben, on=date(2025, 6, 2), emergency=True, placement_type="U6", legal_status="L1",
                         reason_new_episode="S", provider="PR1", need="N4", postcode="LS6 2AA",
                         home_postcode="LS11 5QR", urn="XXXXXXX")
    app.end_placement(sw, ben, on=date(2025, 6, 4), reason="E4A")

    cal = app.open_plan(sw, "CAL", kind="care-plan", aim="Cal to move to independence", aim_option=7,
                        on=date(2025, 3, 10))
    app.record_placement(sw, cal, on=date(2025, 3, 10), placement_type="K2", legal_status="V2",
                         reason_new_episode="S", provider="PR4", need="N5", postcode="LS8 1AA",
                         home_postcode="LS11 5QR", urn="SC123456")
    app.hold_review(rc, cal, kind="statutory", on=date(2025, 7, 1), chair=rc, participation="PN1")
    app.record_placement(sw, cal, on=date(2025, 10, 6), placement_type="U6", provider="PR1",
                         reason_new_episode="P", change_reason="CHILD", postcode="LS6 2AA", urn="XXXXXXX")
    app.hold_review(rc, cal, kind="statutory", on=date(2026, 1, 5), chair=rc, participation="PN1")
    app.end_placement(sw, cal, on=date(2026, 2, 20), reason="E13")
    return {"AMY": amy, "BEN": ben, "CAL": cal}
