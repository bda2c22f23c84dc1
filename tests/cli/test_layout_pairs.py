"""Labels and values (``layout.pairs``) print with the widths given, not measured cell by cell
by rich: what prints must be what rich's own measuring printed, at any width, for any text
(long words, new lines, tabs, blank values, wide characters), at every indent used."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantrail.cli import layout

WORDS = st.sampled_from(["a", "care", "plan", "Simpson's", "—", "漢字テキスト", "demo-social-worker",
                         "x" * 45, "2002-07-18", "•", "\n", "\t", " "])
TEXT = st.lists(WORDS, max_size=30).map(" ".join)
PAIRS = st.lists(st.tuples(st.sampled_from(["Aim", "Next review", "Why care is necessary", "漢字"]), TEXT),
                 min_size=1, max_size=4)


def _printed(items: list[tuple[str, str]], columns: int, indent: int, *, measured: bool) -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as m:
        m.setenv("COLUMNS", str(columns))
        m.setattr(sys, "stdout", out)
        if measured:  # the way it printed before: rich measures every cell
            m.setattr(layout, "TEXT_MIN", 10_000)
        layout.pairs(items, indent=indent)
        layout.console().file.flush()
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(items=PAIRS, columns=st.integers(20, 140), indent=st.sampled_from([0, 2, 4]))
def test_given_widths_print_what_rich_measured(items, columns, indent) -> None:
    assert _printed(items, columns, indent, measured=False) == _printed(items, columns, indent, measured=True)
