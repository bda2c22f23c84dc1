"""Stored text as a terminal may show it: a record's text cannot take over the terminal.

Control characters (an escape sequence that retitles the window or clears the screen; a
NUL) are printed as visible codes, ``\\x1b``, and square brackets cannot open rich markup.
Text recorded now cannot hold control characters (``domain.base.check_text``); text
recorded before that rule, or put in by hand, is shown harmlessly all the same.
"""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(value: Any) -> Any:
    """``value`` with every string in it (in lists and mappings too) made harmless."""
    if isinstance(value, str):
        return escape(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value))
    if isinstance(value, dict):
        return {key: shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shown(item) for item in value]
    return value
