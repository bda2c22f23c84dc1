"""Real PostgreSQL login roles in a group role, for tests, made and dropped on a given server.

    with login_roles(admin_url, "alice", "bob") as roles:
        conn.execute(f"GRANT USAGE ON SCHEMA s TO {roles.group}")   # privileges go to the group
        psycopg.connect(roles.url("alice"))                         # logs in as alice's role

Role names are unique per use (`pt_<random>_alice`, group `pt_<random>_group`), since roles
belong to the whole cluster and parallel test runs share one server. Logging in as them needs
the server to let the role in without a password: the shared test server and pg_pair's
servers trust loopback connections. On exit their sessions are ended and the roles dropped,
with what they own handed to the admin first (REASSIGN OWNED) and their privileges revoked
(DROP OWNED) — in the admin URL's database and any other ``databases`` named.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def with_user(url: str, user: str) -> str:
    """``url`` logging in as ``user`` (any password in it dropped)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


class Roles:
    """A group role and its login members on the server at ``admin_url`` (a superuser, or a
    role with CREATEROLE)."""

    def __init__(self, admin_url: str, databases: tuple[str, ...] = ()):
        self.admin_url = admin_url
        self.databases = databases
        self.prefix = f"pt_{uuid.uuid4().hex[:10]}"
        self.group = f"{self.prefix}_group"
        self.members: dict[str, str] = {}  # the name a test uses -> the role's real name
        self._created: list[str] = []      # in creation order, so we drop what we made

    def _admin(self, url: str | None = None) -> psycopg.Connection:
        return psycopg.connect(url or self.admin_url, autocommit=True, connect_timeout=10)

    def create_group(self) -> None:
        self._create(self.group, login=False)

    def add(self, name: str) -> str:
        """A login role in the group, known to the test as ``name``; its real name."""
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", name):
            raise ValueError(f"member name {name!r}: lower-case letters, digits and _ only")
        role = f"{self.prefix}_{name}"
        self._create(role, login=True)
        with self._admin() as conn:
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(self.group), sql.Identifier(role)))
        self.members[name] = role
        return role

    def _create(self, role: str, login: bool) -> None:
        # A comment saying who made it and when, so a role left by a killed run can be told
        # apart from a real one (SELECT ... FROM pg_roles WHERE rolname LIKE 'pt\_%').
        note = f"plantrail test role, pid {os.getpid()}, {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE ROLE {} " + ("LOGIN" if login else "NOLOGIN"))
                         .format(sql.Identifier(role)))
            self._created.append(role)
            conn.execute(sql.SQL("COMMENT ON ROLE {} IS {}").format(sql.Identifier(role), sql.Literal(note)))

    def url(self, name: str) -> str:
        """The admin URL, logging in as member ``name`` (or as any role name given)."""
        return with_user(self.admin_url, self.members.get(name, name))

    def connect(self, name: str, **kwargs) -> psycopg.Connection:
        kwargs.setdefault("connect_timeout", 10)
        return psycopg.connect(self.url(name), **kwargs)

    def drop(self) -> None:
        """End the roles' sessions and drop them (members first, then the group)."""
        if not self._created:
            return
        roles = sql.SQL(", ").join(map(sql.Identifier, self._created))
        with self._admin() as conn:
            # Sessions still open as these roles (a test's connection not closed) would keep
            # working under a dropped role; end them, waiting up to 5 s for each to go.
            conn.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                         "WHERE usename = ANY(%s)", (self._created,))
            me = conn.execute("SELECT current_user").fetchone()[0]
        errors: list[Exception] = []
        for db in (None, *self.databases):
            url = None if db is None else urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{db}"))
            try:
                with self._admin(url) as conn:
                    # What they own is the admin's now (a test's schema fixture drops it);
                    # what they were granted, here and on shared objects, is revoked.
                    conn.execute(sql.SQL("REASSIGN OWNED BY {} TO {}").format(roles, sql.Identifier(me)))
                    conn.execute(sql.SQL("DROP OWNED BY {}").format(roles))
            except psycopg.Error as exc:  # still try the rest, and say so after
                errors.append(exc)
        with self._admin() as conn:
            for role in reversed(self._created):
                try:
                    conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
                except psycopg.Error as exc:  # e.g. it still has privileges in another database
                    errors.append(exc)
        self._created.clear()
        self.members.clear()
        if errors:
            raise RuntimeError(f"test roles {self.prefix}_* not fully dropped: {errors}")


@contextlib.contextmanager
def login_roles(admin_url: str, *members: str, databases: tuple[str, ...] = ()) -> Iterator[Roles]:
    """A group role with the named login members, dropped on exit whatever happened."""
    roles = Roles(admin_url, databases)
    try:
        roles.create_group()
        for name in members:
            roles.add(name)
        yield roles
    finally:
        roles.drop()


def roles_fixture(*members: str, url_fixture: str = "shared_url"):
    """A pytest fixture giving a Roles with these members on the server whose admin URL the
    fixture named ``url_fixture`` gives, e.g. in a conftest:
        staff_roles = roles_fixture("alice", "bob")"""
    import pytest

    @pytest.fixture
    def _roles(request: pytest.FixtureRequest) -> Iterator[Roles]:
        with login_roles(request.getfixturevalue(url_fixture), *members) as roles:
            yield roles

    return _roles
