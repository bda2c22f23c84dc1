"""Control characters: what no record may hold and no terminal is handed raw.

One pattern for both ends: ``domain.base.check_text`` refuses them in what is recorded, and the
command line's printer (``cli.output.visible``) escapes them in whatever it shows, names and
errors included. Kept apart from ``domain.base`` so that the printer imports it without pydantic.
And bytes that are not UTF-8, which no record may hold either: the command line refuses them in
any text it is given (``cli.params.TEXT``), the text check in what is recorded.
"""

from __future__ import annotations

import re

# The C0 controls but tab and newline, DEL and the C1 controls: a NUL made every PostgreSQL read
# fail; an escape sequence printed raw takes over a terminal.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates: what Python makes of bytes that are not UTF-8 (U+DC80-U+DCFF for the bytes
# 0x80-0xFF, on a command line or in a file's name). Stored text is UTF-8, which cannot hold them.
NOT_UTF8 = re.compile(r"[\ud800-\udfff]")


def not_utf8_bytes(text: str, shown: int = 2) -> str:
    """The bytes a text's lone surrogates stand for, as a person reads them (``0xff 0xfe``): the
    first two, then ``...`` where there are more (an error's line fits 80 columns)."""
    found = NOT_UTF8.findall(text)
    named = " ".join(f"0x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else f"U+{ord(c):04X}"
                     for c in found[:shown])
    return named if len(found) <= shown else f"{named} ..."
