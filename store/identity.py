"""Where a store keeps how it knows who acts (``init --identity``), and who the server says
has connected.

On PostgreSQL the mode is a row of ``store_identity``, which only the store's owner writes
(``init``): the application role may read it, never change it, so the people acting cannot
switch a store back to taking their word for who they are. Rows are only added, so the table
is also the history of the mode (when, and by which login). A store without the table is in
claimed mode. SQLite has no logins: a store there is always in claimed mode, and the account
kept beside the actor is the operating-system user.
"""

from __future__ import annotations

import getpass
import os
import pwd
from typing import Any, NamedTuple

from plantrail.domain.text import NOT_UTF8
from plantrail.store.guards import BadRole
from plantrail.store.view_tables import is_postgres, transaction

IDENTITY_TABLE = "store_identity"


class Identity(NamedTuple):
    mode: str   # "claimed" or "login" (application/identity.py)
    login: str  # the server's session_user on PostgreSQL, the operating-system user on SQLite


def identity_of(app: Any) -> Identity:
    """The store's identity mode and the login this application's connections are (PostgreSQL:
    asked of the server, not read from the URL: a login made by Kerberos or a certificate may
    name no user there)."""
    if not is_postgres(app):
        return Identity("claimed", os_user())
    table = _qualified(app.recorder.datastore.schema)
    with transaction(app, commit=False) as tx:
        row = tx.execute("SELECT session_user AS login, to_regclass(?) IS NOT NULL AS kept", (table,)).fetchone()
        assert row is not None
        if not row["kept"]:
            return Identity("claimed", row["login"])
        mode = tx.execute(f"SELECT mode FROM {table} ORDER BY n DESC LIMIT 1").fetchone()
    return Identity(mode["mode"] if mode else "claimed", row["login"])


def check_identity(url: str, mode: str) -> None:
    """Refuse a mode the store cannot have (before anything is made)."""
    from plantrail.store.settings import PostgresURL, parse_url

    if mode == "login" and not isinstance(parse_url(url), PostgresURL):
        raise BadRole("--identity login is for a PostgreSQL store: SQLite has no logins, so who acts is "
                      "given with --as (and the operating-system user is kept beside it)")


def set_identity(url: str, mode: str) -> bool:
    """Keep ``mode`` as the store's (run by its owner, in ``init``); whether it changed."""
    from psycopg import sql

    from plantrail.store.settings import PostgresURL, parse_url, pg_connect

    check_identity(url, mode)
    parsed = parse_url(url)
    if not isinstance(parsed, PostgresURL):
        return False
    table = sql.Identifier(parsed.schema or "public", IDENTITY_TABLE)
    with pg_connect(parsed, autocommit=True) as conn, conn.transaction():
        conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {t} (n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                             " mode text NOT NULL CHECK (mode IN ('claimed', 'login')),"
                             " set_at timestamptz NOT NULL DEFAULT now(),"
                             " set_by text NOT NULL DEFAULT session_user)").format(t=table))
        now = conn.execute(sql.SQL("SELECT mode FROM {t} ORDER BY n DESC LIMIT 1").format(t=table)).fetchone()
        if (now[0] if now else "claimed") == mode:
            return False
        conn.execute(sql.SQL("INSERT INTO {t} (mode) VALUES (%s)").format(t=table), (mode,))
    return True


def os_user() -> str:
    """The operating-system user, kept beside the actor on SQLite: as ``getpass`` finds it
    (LOGNAME or USER first). A name there holding bytes that are not UTF-8, which no record can
    hold, gives way to the password database's name for the user id; else the id."""
    try:
        name = getpass.getuser()
        if NOT_UTF8.search(name):
            name = pwd.getpwuid(os.getuid()).pw_name
    except (KeyError, OSError):  # no name for the uid (a container's)
        return str(os.getuid())
    return str(os.getuid()) if NOT_UTF8.search(name) else name


def _qualified(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"."' + IDENTITY_TABLE + '"'
