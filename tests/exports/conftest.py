"""Fixtures of the export tests (``store_url`` comes from the root conftest)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # for plantrail_exports_testkit
