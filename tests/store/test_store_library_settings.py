"""The eventsourcing library reads its settings from the process's environment too. None left
there may change how plantrail stores events or what it reads: a compressor or cipher of the
library's around the sealed events, snapshots, another database or mapper under the
application's name (``PLANTRAIL_...``, which the library reads first) than the URL's, or
children's content stored plain (``PLANTRAIL_SEALING=off``: a caller's choice, the benchmark's)."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from plantrail.store.sealing import SEALED
from tests.erasure.test_sealing import NAME, log_rows, record_child
from tests.support import Shell, open_app

KEY = "pK1J+7c0bC6n4mQ2Zk8S0g=="  # an AES key as the library's cipher takes it (base64)


def left_over(tmp_path: Path) -> dict[str, str]:
    return {
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        "PLANTRAIL_COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        "CIPHER_KEY": KEY, "PLANTRAIL_CIPHER_KEY": KEY, "CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
        "IS_SNAPSHOTTING_ENABLED": "y", "PLANTRAIL_IS_SNAPSHOTTING_ENABLED": "y",
        "PLANTRAIL_SQLITE_DBNAME": str(tmp_path / "other.sqlite"), "PLANTRAIL_POSTGRES_SCHEMA": "public",
        "PLANTRAIL_PERSISTENCE_MODULE": "eventsourcing.popo",
        "PLANTRAIL_MAPPER_TOPIC": "eventsourcing.persistence:Mapper",
        "PLANTRAIL_SEALING": "off", "PLANTRAIL_PLANTRAIL_SEALING": "off",  # (only a caller may ask for plain)
    }


class WithLeftOvers(Shell):
    """The command line run with the library's settings left in its environment."""

    left: dict[str, str] = {}

    def __call__(self, *args: str, actor: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return super().__call__(*args, actor=actor, env={**self.left, **(env or {})})


def test_the_librarys_settings_left_in_the_environment_change_nothing(sh: Shell, tmp_path: Path) -> None:
    shell = WithLeftOvers(sh.url, sh.cwd)
    shell.left = left_over(tmp_path)
    plan = record_child(shell)
    assert shell("verify").code == 0
    assert NAME in shell("child", "show", "K900", actor="sw1").out
    assert not (tmp_path / "other.sqlite").exists()  # the store the URL names, and no other
    app = open_app(sh.url)
    try:
        states = [e.state for e in app.recorder.select_events(UUID(plan))]
        assert len(states) >= 2 and all(s.startswith(SEALED) for s in states)  # nothing wrapped round the seal
        assert app.snapshots is None
    finally:
        app.close()
    assert NAME.encode() not in log_rows(sh.url)


def test_an_application_opened_with_them_in_its_environment_keeps_them_off(sh: Shell, tmp_path: Path,
                                                                           monkeypatch) -> None:
    """In process too (the bench, the workers): no snapshot store, no cache of records (a cached
    record would not see another process's change: a role revoked), the URL's store."""
    for key, value in {**left_over(tmp_path), "AGGREGATE_CACHE_MAXSIZE": "100",
                       "PLANTRAIL_AGGREGATE_CACHE_MAXSIZE": "100", "CREATE_TABLE": "n",
                       "ORIGINATOR_ID_TYPE": "text", "POSTGRES_GET_PASSWORD_TOPIC": "nowhere:nothing"}.items():
        monkeypatch.setenv(key, value)
    app = open_app(sh.url)  # (PlanRecords with the URL's settings, as the command line opens it)
    try:
        assert app.snapshots is None and app.repository.cache is None
        assert app.mapper.compressor is None and app.mapper.cipher is None and app.mapper.sealer.sealing_new
        record_child_in(app)
    finally:
        app.close()
    assert not (tmp_path / "other.sqlite").exists()


def record_child_in(app) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    app.add_staff(None, "tm9", name="Tam Nine", initials="TN", roles=["team-manager"])
    app.register_child("tm9", "K9", name="Nina Nine", born=date(2020, 1, 1))


def test_a_url_without_a_schema_takes_none_from_the_environment(monkeypatch) -> None:
    from plantrail.application.records import PlanRecords
    from plantrail.store.settings import env_for_url

    monkeypatch.setenv("POSTGRES_SCHEMA", "elsewhere")
    monkeypatch.setenv("PLANTRAIL_POSTGRES_SCHEMA", "elsewhere")
    built = PlanRecords.construct_env(object.__new__(PlanRecords), "plantrail", env_for_url("postgresql://u@h/db"))
    assert built.get("POSTGRES_SCHEMA") == ""  # the server's default, as the URL says
