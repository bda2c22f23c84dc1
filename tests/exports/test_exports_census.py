"""The Children in Need census export: hand-checked XML for the seeds' examples and a
store of hand-made histories."""

from __future__ import annotations

import re
from datetime import date

import pytest
from plantrail_exports_testkit import HERE, examples_store, hand_made_store

from plantrail.domain.errors import BadInput
from plantrail.projections.exports.census import census_xml, collection_period


def _normal(xml: str) -> str:
    """The export less what changes between releases of plantrail."""
    return re.sub(r"<Release>[^<]*</Release>", "<Release>*</Release>", xml)


def _expected(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def test_seeds_examples_match_the_hand_checked_return(store_url: str) -> None:
    app = examples_store(store_url)
    try:
        assert _normal(census_xml(app, 2025)) == _expected("census_examples_2025.xml")
    finally:
        app.close()


def test_hand_made_histories_match_the_hand_checked_return(store_url: str) -> None:
    app = hand_made_store(store_url)
    try:
        xml = census_xml(app, 2025, lea="201", serial_no="1")
        assert _normal(xml) == _expected("census_hand_made_2025.xml")
        # The period before the year, and what ended before it, are not in it.
        earlier = _normal(census_xml(app, 2024))
        assert "<CPPstartDate>2023-06-05</CPPstartDate>" in earlier
        assert "SCOT1" not in xml and "CARE1" not in xml
    finally:
        app.close()


def test_the_collection_year_is_checked() -> None:
    assert collection_period(2025) == (date(2024, 4, 1), date(2025, 3, 31))
    with pytest.raises(BadInput):
        collection_period(25)
