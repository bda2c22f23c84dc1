"""Who is acting: the staff member a command names (``--as``), or, in a store whose identity
comes from the database login (``init --identity login``), the one that login is bound to
(CLI.md, Global). plantrail keeps no passwords: the authority's database already knows who
connected (LDAP, Kerberos, certificates), and ``staff bind`` says which staff member that is.
"""

from __future__ import annotations

from typing import Any

from plantrail.domain.errors import NotPermitted

CLAIMED = "claimed"  # --as says who acts: the default, and SQLite's only mode (it has no logins)
LOGIN = "login"      # the database login says who acts


def acting_staff(app: Any, claimed: str | None, mode: str, login: str) -> str | None:
    """The staff member acting for this command: ``claimed`` (``--as``) in claimed mode; in
    login mode the one ``login`` is bound to, and naming anyone else is refused (exit 1). A
    login bound to nobody may do nothing, except register the first staff member of an empty
    store (how a store in login mode is begun)."""
    if mode != LOGIN:
        return claimed
    bound = app.bound_staff(login)
    if bound is None:
        if not app.recorder.max_notification_id():
            return claimed
        raise NotPermitted(f"the database login {login} is bound to no staff member, so it may do nothing here",
                           rule="identity", fix=f"a team manager binds it: plantrail staff bind STAFF_ID --login {login}")
    if claimed and claimed != bound:
        raise NotPermitted(f"the database login {login} is {bound}'s: it may not act or read as {claimed}",
                           rule="identity", fix="leave out --as: in this store the login says who you are")
    return bound
