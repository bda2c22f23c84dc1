"""The eventsourcing library's own test cases, run against plantrail's recorders (issue 28).

They are unittest classes (the library's); plantrail_conformance_testkit gives them fresh
stores from setUp/tearDown. PostgreSQL tests skip, saying so, without PLANTRAIL_TEST_POSTGRES.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # for plantrail_conformance_testkit
