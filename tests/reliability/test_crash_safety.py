"""The crash harness, bounded for CI: writers SIGKILLed at random, nothing lost or doubled."""

from __future__ import annotations

from tests.reliability.harness import run


def test_killed_writers_lose_nothing_and_double_nothing(store_url: str) -> None:
    result = run(store_url, seconds=12, writers=3, children=12, seed=7)
    assert result["problems"] == []
    assert result["kills"] >= 10
    assert result["commands_reported"] > 20
