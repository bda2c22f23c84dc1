"""Run the DfE's SSDA903 rules (``csc-validator-be-903``) on a folder of plantrail's tables.

Run with the validator's own Python (it pins pandas 1.5 and numpy 1.24):
``python ssda903_validate.py DIR YEAR LA_CODE``. Prints one JSON document: the errors
(rule, table, child, row, message), the rules that could not run, and the rules skipped.

Two rules read columns its own schema does not have: 231 reads Header ``UASC_STATUS``
and 233 reads Episodes ``DATE_EPISODE_CEASED``. The harness adds them (from UASC and
DEC, which is what they mean) to the tables as read, never to the export.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from pathlib import Path

logging.disable(logging.CRITICAL)  # the validator logs each rule at INFO


def main(folder: str, year: int, la_code: str) -> None:
    from lac_validator import lac_validator as lv

    files = [{"name": p.name, "file_content": p.read_bytes(), "description": "This year"}
             for p in sorted(Path(folder).glob("*.csv"))]
    original = lv.read_from_text

    def read_with_missing_columns(raw_files):  # type: ignore[no-untyped-def]
        dfs, extras = original(raw_files=raw_files)
        if "Header" in dfs:
            dfs["Header"]["UASC_STATUS"] = dfs["Header"].get("UASC", "0")
        if "Episodes" in dfs:
            dfs["Episodes"]["DATE_EPISODE_CEASED"] = dfs["Episodes"]["DEC"]
        return dfs, extras

    lv.read_from_text = read_with_missing_columns
    # The package's rules run from 2022-23 to 2026-27: an older year (the demo's 2002-03) is
    # checked by the oldest rules it has, a later one by the newest.
    rules_year = min(max(year, 2023), 2027)
    ruleset = f"lac{rules_year - 1}_{str(rules_year)[2:]}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    validator = lv.LacValidator(metadata={"collectionYear": str(year), "localAuthority": la_code}, files=files,
                                registry=registry)
    messages = {str(rule.code): rule.message for rule in registry.values()}
    errors = []
    for table, df in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in [c for c in df.columns if str(c).startswith("ERR_")]:
            code = column[4:]
            for row in df.index[df[column] == True]:  # a pandas mask: == True, not is True
                errors.append({"rule": code, "table": table, "row": int(row), "child": str(df.loc[row, "CHILD"]),
                               "message": messages.get(code, "")})
    print(json.dumps({"ruleset": ruleset, "tables": sorted(k for k in validator.dfs),
                      "errors": errors, "failed": validator.fails, "skipped": validator.skips,
                      "ran": len(validator.dones)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
