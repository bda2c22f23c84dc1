"""Control characters: what no record may hold and no terminal is handed raw.

One pattern for both ends: ``domain.base.check_text`` refuses them in what is recorded, and the
command line's printer (``cli.output.visible``) escapes them in whatever it shows, names and
errors included. Kept apart from ``domain.base`` so that the printer imports it without pydantic.
"""

from __future__ import annotations

import re

# The C0 controls but tab and newline, DEL and the C1 controls: a NUL made every PostgreSQL read
# fail; an escape sequence printed raw takes over a terminal.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
