"""Free text as events hold it."""

from __future__ import annotations

Text = str  # free text, never empty where required (see _not_blank)


def not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("must not be empty")
    return value
