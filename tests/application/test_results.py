"""What the command log keeps of a command's answer: the same text as ever, read back as given."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import pytest

from plantrail.application.results import decode_result, encode_result


@pytest.mark.parametrize("value", [uuid4(), None, 3, "A4", ["a", "b"], {"k": "v"}])
def test_a_result_is_kept_as_json_wrote_it_and_read_back_as_it_was(value):
    """A made record's id is written without json.dumps (every command has one), in the very
    text json.dumps wrote before: rows kept by earlier versions and new ones read alike."""
    kept = encode_result(value)
    assert kept == json.dumps({"uuid": str(value)} if isinstance(value, UUID) else {"value": value})
    assert decode_result(kept).value == value
