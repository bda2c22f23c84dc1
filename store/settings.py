"""Store URLs -> eventsourcing library settings, and making a store ready to open."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from plantrail.store.errors import BadStoreURL, StoreUnavailable, SystemSchema

# Settings topics (where eventsourcing finds each part), not stored topics: they may move.
MAPPER_TOPICS = {"MAPPER_TOPIC": "plantrail.store.mapper:PydanticMapper",
                 "TRANSCODER_TOPIC": "plantrail.store.mapper:OrjsonTranscoder"}
SQLITE_RECORDER_TOPIC = "plantrail.store.sqlite_recorder:ChainedSQLiteApplicationRecorder"
POSTGRES_RECORDER_TOPIC = "plantrail.store.postgres_recorder:ChainedPostgresApplicationRecorder"
SQLITE_FACTORY_TOPIC = "plantrail.store.sqlite_recorder:SQLiteRecordsFactory"
POSTGRES_FACTORY_TOPIC = "plantrail.store.postgres_recorder:PostgresRecordsFactory"
CONNECT_TIMEOUT = 5  # seconds; keeps "store unavailable" well inside 10 s


def session_setup() -> str | None:
    """What every plantrail session on PostgreSQL runs first: JIT compilation off. Its queries
    are short, but where the log has no statistics (after a bulk load, or with autovacuum off)
    the planner's estimates pass ``jit_above_cost`` and each query compiled itself first: a
    catch-up of 10M events ran a quarter slower (docs/performance.md). A statement after
    connecting, not a startup option (a pooler such as PgBouncer refuses those); none where the
    DBA's ``PGOPTIONS`` sets ``jit`` itself."""
    return None if "jit" in os.environ.get("PGOPTIONS", "") else "SET jit = off"


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


@dataclass(frozen=True)
class SQLiteURL:
    path: Path


@dataclass(frozen=True)
class PostgresURL:
    host: str
    port: int
    user: str
    password: str
    dbname: str
    schema: str  # "" means the server's default (public)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def connect_kwargs(self) -> dict[str, object]:
        return {"host": self.host, "port": self.port, "user": self.user,
                "password": self.password or None, "dbname": self.dbname,
                "connect_timeout": CONNECT_TIMEOUT}


def default_url() -> str:
    base = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(base):  # the XDG spec says ignore a relative value
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return "sqlite:///" + os.path.join(base, "plantrail", "plantrail.sqlite")


def parse_url(url: str) -> SQLiteURL | PostgresURL:
    if not isinstance(url, str) or not url.strip():
        raise BadStoreURL("no store URL given; use sqlite:///PATH or postgresql://USER@HOST/DB")
    url = url.strip()
    if url.startswith("sqlite:"):
        return _parse_sqlite(url)
    if url.startswith(("postgresql:", "postgres:")):
        return _parse_postgres(url)
    raise BadStoreURL(f"cannot read store URL {url!r}: use sqlite:///PATH or postgresql://USER@HOST/DB")


def _parse_sqlite(url: str) -> SQLiteURL:
    if not url.startswith("sqlite:///"):
        raise BadStoreURL(f"cannot read store URL {url!r}: an SQLite URL is sqlite:///PATH")
    raw = url[len("sqlite:///"):]
    if not raw or raw.startswith(":memory:") or "mode=memory" in raw:
        raise BadStoreURL(f"cannot read store URL {url!r}: give the path of a file, e.g. sqlite:///plantrail.sqlite")
    # sqlite:///rel/path is relative, sqlite:////abs/path absolute (the SQLAlchemy convention).
    return SQLiteURL(Path(os.path.abspath(os.path.expanduser(unquote(raw)))))


def _parse_postgres(url: str) -> PostgresURL:
    try:
        parts = urlsplit(url)
        port = parts.port or 5432
    except ValueError as e:
        raise BadStoreURL(f"cannot read store URL {_hide_pw(url)!r}: {e}") from None
    dbname = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not parts.username or not dbname or "/" in dbname:
        raise BadStoreURL(
            f"cannot read store URL {_hide_pw(url)!r}: use postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?schema=NAME]")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"schema"}
    if unknown:
        raise BadStoreURL(f"cannot read store URL {_hide_pw(url)!r}: unknown option {sorted(unknown)[0]!r} (only ?schema=NAME)")
    schema = query.get("schema", [""])[-1]
    if schema and not _IDENT.fullmatch(schema):
        raise BadStoreURL(f"cannot read store URL {_hide_pw(url)!r}: schema {schema!r} is not a plain SQL name")
    if schema.lower().startswith("pg_") or schema.lower() == "information_schema":
        raise SystemSchema(f"cannot use schema {schema!r}: it is PostgreSQL's own; name a schema of plantrail's")
    return PostgresURL(parts.hostname, port, unquote(parts.username),
                       unquote(parts.password or ""), dbname, schema)


def _hide_pw(url: str) -> str:
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def env_for_url(url: str) -> dict[str, str]:
    """The eventsourcing settings for a store URL (pass as Application(env=...))."""
    parsed = parse_url(url)
    # Every setting the library would otherwise read from the environment and that changes what
    # is stored where is named here; PlanRecords.construct_env makes these, and its LIBRARY_OFF
    # (the library's cipher, compressor, snapshots, cache), win over the environment.
    common = {**MAPPER_TOPICS, "PLANTRAIL_KEK": kek_path(parsed), "CREATE_TABLE": "y", "ORIGINATOR_ID_TYPE": "uuid"}
    if isinstance(parsed, SQLiteURL):
        return {**common,
                "PERSISTENCE_MODULE": SQLITE_FACTORY_TOPIC,
                "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER_TOPIC,
                "SQLITE_DBNAME": str(parsed.path),
                "SQLITE_LOCK_TIMEOUT": "5"}
    return {**common,
            "PERSISTENCE_MODULE": POSTGRES_FACTORY_TOPIC,
            "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER_TOPIC,
            "POSTGRES_DBNAME": parsed.dbname,
            "POSTGRES_HOST": parsed.host,
            "POSTGRES_PORT": str(parsed.port),
            "POSTGRES_USER": parsed.user,
            "POSTGRES_PASSWORD": parsed.password,
            "POSTGRES_LOCK_TIMEOUT": "5",
            "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            "POSTGRES_GET_PASSWORD_TOPIC": "",  # the URL's password, not one a topic gives
            "POSTGRES_SCHEMA": parsed.schema}  # ("": the server's default)


def kek_path(parsed: SQLiteURL | PostgresURL) -> str:
    """The key-encryption key's file: PLANTRAIL_KEK, else one kept for this store
    (store/kek.py, default_kek_path)."""
    from plantrail.store.kek import default_kek_path

    given = os.environ.get("PLANTRAIL_KEK", "").strip()
    if given:
        return os.path.abspath(os.path.expanduser(given))
    if isinstance(parsed, SQLiteURL):
        return str(default_kek_path(str(parsed.path)))
    # By database and schema, not host and port: a proxy, a standby or another name for the
    # server finds the same KEK (another server's store of the same names finds a wrong one:
    # exit 4, never a silent read).
    return str(default_kek_path(f"{parsed.dbname}_{parsed.schema or 'public'}"))


def reading_env(url: str) -> dict[str, str]:
    """The settings for reading a store that must already be there (``check_exists``): no
    table is made, nothing is written (a read runs no DDL)."""
    return {**env_for_url(url), "CREATE_TABLE": "n"}


def read_only_uri(path: Path) -> str:
    """An SQLite file opened for reading only, as a URI: its name quoted from the bytes the system
    gives (a name that is not UTF-8 is quoted as it is, not refused)."""
    return f"file:{quote(os.fsencode(path))}?mode=ro"


def check_exists(url: str):  # -> ServerRole
    """A read never creates a store: StoreUnavailable, naming the store looked for, unless
    it is there with its log. Says what kind of server it is on (a primary or a standby)."""
    from plantrail.store.chain import EVENTS_TABLE
    from plantrail.store.replica import ServerRole, role_of

    parsed = parse_url(url)
    if isinstance(parsed, SQLiteURL):
        missing = f"there is no plantrail store at {parsed.path}"
        if not parsed.path.is_file():
            raise StoreUnavailable(f"{missing} (a read never makes one)")
        try:
            conn = sqlite3.connect(read_only_uri(parsed.path), uri=True, timeout=CONNECT_TIMEOUT)
            try:
                found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                     (EVENTS_TABLE,)).fetchone()
            finally:
                conn.close()
        except sqlite3.Error as e:
            raise StoreUnavailable(f"cannot open SQLite store {parsed.path}: {e}") from None
        if not found:
            raise StoreUnavailable(f"{missing}: the file holds no plantrail log")
        return ServerRole(False, None, None, 1, str(parsed.path))
    with pg_connect(parsed, autocommit=True) as conn:
        schema = parsed.schema or "public"
        found = conn.execute("SELECT to_regclass(%s)", (f'"{schema}"."{EVENTS_TABLE}"',)).fetchone()[0]
        role = role_of(parsed, conn)
    if found is None:
        raise StoreUnavailable(f"there is no plantrail store in schema {schema!r} at {parsed.where}/{parsed.dbname} "
                               "(a read never makes one)")
    return role


def prepare(url: str) -> None:
    """Make the store reachable and ready before the application opens it to write."""
    parsed = parse_url(url)
    if isinstance(parsed, SQLiteURL):
        _prepare_sqlite(parsed)
    else:
        _prepare_postgres(parsed)


def _prepare_sqlite(u: SQLiteURL) -> None:
    try:
        u.path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreUnavailable(f"cannot create the directory for the SQLite store {u.path.parent}: {e.strerror or e}") from None
    if u.path.is_dir():
        raise StoreUnavailable(f"cannot open SQLite store {u.path}: it is a directory")
    try:
        conn = sqlite3.connect(str(u.path), timeout=CONNECT_TIMEOUT)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # fails on a non-database file
            _use_wal(conn)
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise StoreUnavailable(f"cannot open SQLite store {u.path}: {e}") from None


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the store in WAL mode before the library opens it.

    Switching a new file to WAL needs every other connection out of the way, and
    SQLite answers "database is locked" at once, without waiting, when several
    processes try it together (waiting could deadlock). So processes opening a new
    store at the same moment take turns here, within the usual timeout; the library
    then finds WAL already set and does not try the switch itself.
    """
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def pg_connect(u: PostgresURL, **kwargs):  # -> psycopg.Connection
    """A psycopg connection, or StoreUnavailable with a one-line reason."""
    import psycopg

    try:
        conn = psycopg.connect(**u.connect_kwargs(), **kwargs)
        if setup := session_setup():
            conn.execute(setup)
            if not conn.autocommit:
                conn.commit()  # (a SET in a transaction rolled back would be undone)
        return conn
    except psycopg.Error as e:
        raise StoreUnavailable(_pg_reason(u, e)) from None


def _pg_reason(u: PostgresURL, e: Exception) -> str:
    text = " ".join(str(e).split())
    low = text.lower()
    if "refused" in low:
        return f"cannot reach PostgreSQL at {u.where}: connection refused (is the server running?)"
    if "timeout" in low or "timed out" in low:
        return f"cannot reach PostgreSQL at {u.where}: no answer within {CONNECT_TIMEOUT} s"
    if "could not translate host name" in low or "name or service not known" in low:
        return f"cannot reach PostgreSQL at {u.where}: unknown host {u.host!r}"
    for marker in ("FATAL:", "ERROR:"):
        if marker in text:
            text = text.split(marker, 1)[1].strip()
            break
    return f"PostgreSQL at {u.where} refused the connection: {text}"


def _prepare_postgres(u: PostgresURL) -> None:
    import psycopg
    from psycopg import sql

    from plantrail.store.errors import StandbyRefused
    from plantrail.store.replica import standby_refusal

    with pg_connect(u, autocommit=True) as conn:
        if conn.execute("SELECT pg_catalog.pg_is_in_recovery()").fetchone()[0]:
            raise StandbyRefused(standby_refusal(u.where))
        if not u.schema:
            return
        exists = "SELECT 1 FROM pg_namespace WHERE nspname = %s"
        try:
            # Check first so a role without CREATE on the database can still use an existing schema.
            if not conn.execute(exists, (u.schema,)).fetchone():
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(u.schema)))
        except psycopg.errors.UniqueViolation:
            pass  # another process created it at the same moment (IF NOT EXISTS is not race-free)
        except psycopg.Error as e:
            raise StoreUnavailable(f"cannot create schema {u.schema!r} at {u.where}: {' '.join(str(e).split())}") from None
