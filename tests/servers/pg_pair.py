"""A real PostgreSQL primary + streaming hot standby on loopback, for tests.

    with pg_pair() as pair:                  # or: pair = pair_fixture()  in a conftest
        pair.primary.execute("CREATE TABLE t (x int)")
        pair.wait_replayed()                 # the standby has everything the primary has
        pair.standby.execute("SELECT ...")   # reads on the standby
        pair.pause_replay(); ...; pair.resume_replay()
        pair.stop_primary(); pair.promote()  # fail-over

Both servers are our own: the primary a copy of a data directory initdb'd once per process,
the standby a `pg_basebackup -R` of the primary; in a temporary directory, on free loopback
ports, run as the `postgres` OS user when we are root (initdb and postgres refuse to run as
root), and stopped (`pg_ctl -m immediate`) and removed when the block ends, whatever happened
in it. Nothing here touches the shared server on 5432. URLs: postgresql://postgres@127.0.0.1:PORT/DB
(trust auth, loopback only). Start-up takes about 1 s on an idle 2-core machine (see
/work/notes/servers.md); a test that promotes or stops the primary needs a pair of its own.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

DIR_PREFIX = "pgpair-"          # + the creating process's pid, so stale ones can be swept
STANDBY_NAME = "standby"        # the standby's cluster_name = its application_name on the primary
SLOT_NAME = "standby_slot"      # keeps the WAL the standby has not received yet on the primary

# Settings for speed and for what the tests need. fsync=off: a crash of a throwaway server
# does not matter, and it makes initdb/checkpoints/commits cheap. hot_standby_feedback: a
# read on the standby is not cancelled because vacuum on the primary removed rows it sees.
# wal_receiver_status_interval=1s: pg_stat_replication reports the standby promptly.
PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
max_connections = 40
shared_buffers = 16MB
fsync = off
wal_level = replica
max_wal_senders = 4
max_replication_slots = 4
wal_keep_size = 64MB
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = 1s
"""


@functools.cache
def bindir() -> Path:
    """Where the server binaries are: $PG_BINDIR, else `pg_config --bindir`, else the newest
    /usr/lib/postgresql/*/bin (Debian's layout)."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        path = Path(out.stdout.strip())
        if (path / "initdb").exists():
            return path
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if not candidates:
        raise FileNotFoundError("PostgreSQL server binaries (initdb) not found; set PG_BINDIR")
    return candidates[-1].parent


def free_port() -> int:
    """A loopback port nobody listens on now. Another process may take it before the server
    binds it: Server.start retries with a fresh port when that happens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user() -> dict[str, Any]:
    """subprocess arguments that run a server binary as `postgres` when we are root (without
    root's supplementary groups); as ourselves otherwise."""
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": pwd.getpwnam("postgres").pw_gid, "extra_groups": []}


def _server_env() -> dict[str, str]:
    # No PG* variables from the caller's environment (PGPORT, PGOPTIONS, PGAPPNAME...) leak
    # into initdb/pg_basebackup/pg_ctl: everything they need is given on their command line.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C.UTF-8"
    if os.geteuid() == 0:
        env["HOME"] = pwd.getpwnam("postgres").pw_dir
        env["USER"] = env["LOGNAME"] = "postgres"
    return env


def _temp_root() -> str:
    """The system temp dir if the postgres user can reach it (every parent searchable by
    others), else /tmp. Short, too: a Unix socket path may not exceed ~107 bytes."""
    base = Path(tempfile.gettempdir()).resolve()
    if all(p.stat().st_mode & 0o001 for p in [base, *base.parents]) and len(str(base)) < 60:
        return str(base)
    return "/tmp"


def sweep_stale() -> None:
    """Stop and remove the servers of test processes that died without tearing down (killed
    by SIGKILL/SIGTERM, so no finally ran): their directory names carry the dead pid."""
    for path in Path(_temp_root()).glob(DIR_PREFIX + "*"):
        match = re.match(re.escape(DIR_PREFIX) + r"(\d+)-", path.name)
        if not match or _alive(int(match.group(1))):
            continue
        for pid_file in path.glob("*/postmaster.pid"):
            _kill_postmaster(pid_file)
        shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Is the process there and not a zombie? (A postmaster pg_ctl started belongs to init
    once pg_ctl exits, and the init of a container may be slow to reap it.)"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _kill_postmaster(pid_file: Path) -> None:
    """Immediate shutdown by signal (what `pg_ctl stop -m immediate` sends), then SIGKILL
    if it is still there: used when pg_ctl itself could not stop it."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGQUIT)
        for _ in range(50):
            if not _alive(pid):
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)


class ServerError(RuntimeError):
    pass


_template: Path | None = None
_template_lock = threading.Lock()


def _make_temp_dir(kind: str) -> Path:
    """A new directory for servers, owned by the server user; its name carries our pid."""
    base = Path(tempfile.mkdtemp(prefix=f"{DIR_PREFIX}{os.getpid()}-{kind}-", dir=_temp_root()))
    if os.geteuid() == 0:
        os.chown(base, pwd.getpwnam("postgres").pw_uid, pwd.getpwnam("postgres").pw_gid)
    return base


def primary_template() -> Path:
    """An initdb'd, configured, never started data directory, made once per process: each
    primary is a copy of it (0.1 s instead of initdb's 1 s). Every primary of a run has the
    same system identifier; that matters only to replication, and each standby is a base
    backup of its own primary."""
    global _template
    with _template_lock:
        if _template is None or not (_template / "PG_VERSION").exists():
            base = _make_temp_dir("template")
            atexit.register(shutil.rmtree, base, True)
            server = Server("data", base)
            # -N: no fsync of the new files (a throwaway cluster). Trust auth: loopback only.
            server.run("initdb", "-D", str(server.data_dir), "-U", "postgres", "-A", "trust", "-N",
                       "-E", "UTF8", "--locale=C")
            with (server.data_dir / "postgresql.conf").open("a") as conf:
                conf.write(PRIMARY_CONF + "cluster_name = 'primary'\n")
            _template = server.data_dir
        return _template


class Server:
    """One PostgreSQL server in ``data_dir`` (which need not exist until initdb/basebackup)."""

    def __init__(self, name: str, base: Path):
        self.name = name
        self.base = base
        self.data_dir = base / name
        self.log_path = base / f"{name}.log"
        self.port = 0

    def url(self, db: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"

    def run(self, tool: str, *args: str, timeout: float = 60) -> str:
        """Run a server binary as the server user; its output, or ServerError with the log."""
        cmd = [str(bindir() / tool), *args]
        try:
            out = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout, cwd=self.base,
                                 env=_server_env(), **_as_server_user())
        except subprocess.TimeoutExpired as exc:
            raise ServerError(f"{tool} timed out after {timeout}s\n{self.log_tail()}") from exc
        if out.returncode != 0:
            raise ServerError(f"{' '.join(cmd)} exited {out.returncode}\n{out.stdout}{out.stderr}\n"
                              f"{self.log_tail()}")
        return out.stdout

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return f"--- {self.log_path} (last {lines} lines) ---\n" + "\n".join(text[-lines:])

    def start(self, attempts: int = 5) -> None:
        """Start on a free port, waiting until it accepts connections (a standby: once it is
        consistent and takes reads). A port taken between our check and the server's bind is
        retried on another."""
        for attempt in range(attempts):
            self.port = free_port()
            try:
                # The socket in our temp dir (never /var/run/postgresql, the shared server's).
                self.run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
                         "-l", str(self.log_path),
                         "-o", f"-p {self.port} -k {self.base}", timeout=90)
                return
            except ServerError as exc:
                if "already in use" not in str(exc) or attempt == attempts - 1:
                    raise

    @property
    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def stop(self) -> None:
        """Immediate shutdown (like pulling the plug: no checkpoint, which is what a fail-over
        test wants and the fastest for teardown)."""
        if not self.running:
            return
        try:
            self.run("pg_ctl", "stop", "-w", "-t", "30", "-m", "immediate", "-D", str(self.data_dir),
                     timeout=45)
        except ServerError:
            _kill_postmaster(self.data_dir / "postmaster.pid")

    def connect(self, db: str = "postgres", **kwargs: Any) -> psycopg.Connection:
        kwargs.setdefault("autocommit", True)
        kwargs.setdefault("connect_timeout", 10)
        return psycopg.connect(self.url(db), **kwargs)

    def execute(self, query: str, params: Any = None, db: str = "postgres") -> list[tuple]:
        """Run one statement on a connection of its own (autocommit); its rows, if any."""
        with self.connect(db) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def value(self, query: str, params: Any = None, db: str = "postgres") -> Any:
        return self.execute(query, params, db)[0][0]


def _wait(what: str, check, timeout: float, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class PgPair:
    """A primary and its streaming hot standby. Use pg_pair() / pair_fixture() to get one."""

    def __init__(self, base: Path, db: str = "postgres"):
        self.base = base
        self.db = db
        self.primary = Server("primary", base)
        self.standby = Server("standby", base)
        self.startup_s = 0.0

    # --- URLs ---------------------------------------------------------------------------
    @property
    def primary_url(self) -> str:
        return self.primary.url(self.db)

    @property
    def standby_url(self) -> str:
        return self.standby.url(self.db)

    # --- start / stop -------------------------------------------------------------------
    def start(self, synchronous: bool = False) -> None:
        began = time.monotonic()
        p, s = self.primary, self.standby
        # cp -a keeps the owner (postgres) and the modes PostgreSQL insists on (0700).
        subprocess.run(["cp", "-a", str(primary_template()), str(p.data_dir)], check=True)
        p.start()
        if self.db != "postgres":
            p.execute(f'CREATE DATABASE "{self.db}"')
        # -R: standby.signal + primary_conninfo; -c fast: don't wait for a spread checkpoint;
        # -C -S: a slot, so the primary keeps WAL the standby has not received yet.
        s.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(p.port), "-U", "postgres",
              "-D", str(s.data_dir), "-R", "-X", "stream", "-c", "fast", "-N",
              "-C", "-S", SLOT_NAME, timeout=120)
        with (s.data_dir / "postgresql.conf").open("a") as conf:
            # Its application_name on the primary, which synchronous_standby_names names.
            conf.write(f"cluster_name = '{STANDBY_NAME}'\n")
        s.start()
        _wait("the standby to stream from the primary",
              lambda: p.execute("SELECT 1 FROM pg_stat_replication WHERE application_name = %s "
                                "AND state = 'streaming'", (STANDBY_NAME,)), timeout=30)
        if synchronous:
            self.set_synchronous(True)
        self.startup_s = time.monotonic() - began

    def close(self) -> None:
        """Stop both (immediately) and remove their directory. Safe to call twice."""
        for server in (self.primary, self.standby):
            with contextlib.suppress(Exception):
                server.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def stop_primary(self) -> None:
        """The primary goes away without a checkpoint or a goodbye (a crash, for fail-over)."""
        self.primary.stop()

    # --- replication --------------------------------------------------------------------
    def set_synchronous(self, on: bool = True, timeout: float = 30) -> None:
        """Make the standby synchronous (a commit on the primary returns once the standby has
        flushed it; replay may still be behind unless synchronous_commit = remote_apply) or
        asynchronous again. Set with ALTER SYSTEM on the primary only, so a promoted standby
        does not wait for a standby of its own."""
        if on:
            self.primary.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{STANDBY_NAME}'")
        else:
            self.primary.execute("ALTER SYSTEM RESET synchronous_standby_names")
        self.primary.execute("SELECT pg_reload_conf()")
        want = "sync" if on else "async"
        _wait(f"the standby to be {want}",
              lambda: self.primary.execute("SELECT 1 FROM pg_stat_replication WHERE application_name = %s "
                                           "AND sync_state = %s", (STANDBY_NAME, want)), timeout)

    def sync_state(self) -> str | None:
        """'sync', 'async' or None (not connected), as the primary sees the standby."""
        rows = self.primary.execute("SELECT sync_state FROM pg_stat_replication WHERE application_name = %s",
                                    (STANDBY_NAME,))
        return rows[0][0] if rows else None

    def wait_replayed(self, timeout: float = 30) -> str:
        """Wait until the standby has replayed everything the primary has written so far; the
        LSN it reached. Times out (TimeoutError) while replay is paused."""
        target = self.primary.value("SELECT pg_current_wal_lsn()::text")
        _wait(f"the standby to replay up to {target}",
              lambda: self.standby.value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)),
              timeout)
        return target

    def pause_replay(self, timeout: float = 10) -> None:
        """Stop applying WAL on the standby (it still receives it), so its reads go stale."""
        self.standby.execute("SELECT pg_wal_replay_pause()")
        _wait("replay to pause",
              lambda: self.standby.value("SELECT pg_get_wal_replay_pause_state()") == "paused", timeout)

    def resume_replay(self) -> None:
        self.standby.execute("SELECT pg_wal_replay_resume()")

    def replay_paused(self) -> bool:
        return self.standby.value("SELECT pg_get_wal_replay_pause_state()") != "not paused"

    def replay_timestamp(self) -> datetime | None:
        """When the last transaction the standby replayed committed on the primary."""
        return self.standby.value("SELECT pg_last_xact_replay_timestamp()")

    def replay_lag_s(self) -> float:
        """Seconds the standby's replay is behind: 0 when it has applied all it received,
        else now minus the replay timestamp (the usual monitoring formula)."""
        return float(self.standby.value(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE COALESCE(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END"))

    def lag_bytes(self) -> int:
        """Bytes of WAL the primary has written that the standby has not replayed."""
        replayed = self.standby.value("SELECT pg_last_wal_replay_lsn()::text")
        return int(self.primary.value("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)",
                                      (replayed,)))

    def promote(self, timeout: float = 60) -> None:
        """Promote the standby and wait until it takes writes (assigning a transaction id is
        refused during recovery, so that is the test)."""
        if self.replay_paused():
            # A paused standby promotes only once replay resumes (PostgreSQL finishes replay
            # of what it received first).
            self.resume_replay()
        self.standby.execute("SELECT pg_promote(true, %s)", (int(timeout),))

        def writable() -> bool:
            try:
                self.standby.execute("SELECT pg_current_xact_id()")
                return True
            except psycopg.errors.ReadOnlySqlTransaction:
                return False
            except psycopg.Error as exc:  # "cannot assign TransactionIds during recovery"
                if "recovery" in str(exc):
                    return False
                raise

        _wait("the promoted standby to take writes", writable, timeout)

    def is_in_recovery(self, server: Server | None = None) -> bool:
        return bool((server or self.standby).value("SELECT pg_is_in_recovery()"))


@contextlib.contextmanager
def pg_pair(*, synchronous: bool = False, db: str = "postgres") -> Iterator[PgPair]:
    """A started primary + hot standby, torn down (both stopped, files removed) on exit.
    ``db``: a database made on the primary before the standby is copied from it."""
    sweep_stale()
    pair = PgPair(_make_temp_dir("pair"), db)
    try:
        pair.start(synchronous=synchronous)
        yield pair
    finally:
        pair.close()


def servers_available() -> str | None:
    """Why a pair cannot be started here, or None if it can."""
    try:
        bindir()
    except FileNotFoundError as exc:
        return str(exc)
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` OS user to run the servers as"
    return None


def pair_fixture(scope: str = "function", **options: Any):
    """A pytest fixture giving a PgPair, e.g. in a conftest:
        pg_pair_module = pair_fixture(scope="module")
    Skips (saying why) where servers cannot be started, unless PLANTRAIL_TEST_POSTGRES is
    set: CI sets it, and there a missing server is a failure, not a skip."""
    import pytest

    @pytest.fixture(scope=scope)
    def _pair() -> Iterator[PgPair]:
        reason = servers_available()
        if reason:
            if os.environ.get("PLANTRAIL_TEST_POSTGRES"):
                pytest.fail(reason)
            pytest.skip(reason)
        with pg_pair(**options) as pair:
            yield pair

    return _pair
