"""Text a record may hold (domain/base.py ``check_text``): the quick yes or no (``is_plain``,
every text of a value asked together) says what asking each text alone says, for any value:
texts (a vocabulary's too; bytes that are not UTF-8 among them), numbers, dates, and lists,
tuples and mappings of them, nested, their keys included."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrail.domain import base
from plantrail.domain.text import CONTROL, NOT_UTF8

SHORTEST_REFUSED = 12  # LONGEST_TEXT for these tests: overlong text is then easily made

TEXT = (st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=16)
        | st.text(st.sampled_from("ab é\n\x1b\udcff\ud800"), max_size=6))  # (lone surrogates: bytes not UTF-8)


class Word(StrEnum):  # a vocabulary's values are str's kind, not str
    PLAIN = "weekly"
    LONG = "fortnightly and more"
    ESCAPED = "weekly\x1b"


VALUES = st.recursive(
    TEXT | st.sampled_from(Word) | st.none() | st.integers() | st.booleans() | st.dates(),
    lambda inner: (st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
                   | st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


def each_text_alone(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= SHORTEST_REFUSED - 1 and not CONTROL.search(value) and not NOT_UTF8.search(value)
    if isinstance(value, dict):
        return all(each_text_alone(k) and each_text_alone(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(each_text_alone(item) for item in value)
    return True


@given(VALUES)
def test_the_quick_check_says_what_each_text_asked_alone_says(value: Any) -> None:
    with patch.object(base, "LONGEST_TEXT", SHORTEST_REFUSED - 1):
        plain = each_text_alone(value)
        assert base.is_plain(value) is plain
        if plain:
            base.check_text(value)
        else:
            with pytest.raises(ValueError, match="control character|characters long|not UTF-8"):
                base.check_text(value)


def test_texts_plain_alone_but_overlong_together_are_each_asked() -> None:
    """Asked together, a dozen short texts are longer than any one may be: each is then asked."""
    with patch.object(base, "LONGEST_TEXT", SHORTEST_REFUSED - 1):
        assert base.is_plain({"need": "school", "note": "a diary", "on": date(2026, 1, 2)})
        assert not base.is_plain({"need": "school", "note": "a diary kept\x1b"})
        assert not base.is_plain(["x" * SHORTEST_REFUSED])


def test_bytes_that_are_not_utf8_are_named_as_such() -> None:
    with pytest.raises(ValueError, match=r"^name holds bytes that are not UTF-8 text \(0xff 0xfe\)"):
        base.check_text({"name": "Karen \udcff\udcfe"})
