"""Who may do what (CLI.md, "Writes"): one row a command, read before every command runs.

A team manager may also do what a social worker may (``SOCIAL_WORK``). A test checks
that every command has exactly one row here, so a new command cannot go unguarded.
"""

from __future__ import annotations

SOCIAL_WORK = frozenset({"social-worker", "team-manager"})
TEAM_MANAGER = frozenset({"team-manager"})
REVIEW_CHAIR = frozenset({"review-chair"})
RECORDS_OFFICER = frozenset({"records-officer"})
RESTRICTS = frozenset({"team-manager", "records-officer"})

# By the command's name (``Command.command``): a command is checked without loading every area's models.
PERMISSIONS: dict[str, frozenset[str]] = {
    "staff add": TEAM_MANAGER,
    "staff bind": TEAM_MANAGER,
    "staff grant": TEAM_MANAGER,
    "staff revoke": TEAM_MANAGER,
    "staff leave": TEAM_MANAGER,
    "child add": SOCIAL_WORK,
    "child restrict": RESTRICTS,
    "child unrestrict": RESTRICTS,
    "plan open": SOCIAL_WORK,
    "plan approve": TEAM_MANAGER,
    "plan kind": REVIEW_CHAIR,
    "plan close": TEAM_MANAGER,
    "action add": SOCIAL_WORK,
    "action amend": SOCIAL_WORK,
    "action end": SOCIAL_WORK,
    "view add": SOCIAL_WORK,
    "sign": SOCIAL_WORK,
    # A social worker records the CIN meetings and core groups they chair (seeds 000, 004);
    # the domain keeps statutory reviews and conferences to review chairs.
    "review hold": REVIEW_CHAIR | SOCIAL_WORK,
    "aim change": REVIEW_CHAIR,
    "plan details": SOCIAL_WORK,
    "plan extend": TEAM_MANAGER,
    "plan distribute": SOCIAL_WORK,
    "contact add": SOCIAL_WORK,
    "visit record": SOCIAL_WORK,
    "placement record": SOCIAL_WORK,
    "supervision record": SOCIAL_WORK,
    "correct": RECORDS_OFFICER,
    "void": RECORDS_OFFICER,
    "plan withdraw": RECORDS_OFFICER,
    "child correct": RECORDS_OFFICER,
    "placement end": SOCIAL_WORK,
    "missing record": SOCIAL_WORK,
    "referral record": SOCIAL_WORK,
    "assessment record": SOCIAL_WORK,
    "s47 record": SOCIAL_WORK,
    "meeting record": SOCIAL_WORK,
    "meeting record-sent": SOCIAL_WORK,
    "plan return": TEAM_MANAGER,
    "plan link": SOCIAL_WORK,
    "erase request": RECORDS_OFFICER,
    "erase approve": TEAM_MANAGER,
}
