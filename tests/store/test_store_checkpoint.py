from __future__ import annotations

import json
import stat

import pytest
from plantrail_store_testkit import Raw, fill, rechain

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE
from plantrail.store.checkpoint import KEY_ENV, create_key, fingerprint, load_checkpoint, make_checkpoint
from plantrail.store.errors import BadCheckpoint, ChainBroken, SigningKeyError
from plantrail.store.verify import verify


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "keys" / "plantrail-signing.pem"
    public = create_key(path)
    return path, public


def test_key_file_is_private_and_not_overwritten(key):
    path, public = key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(public)) == 32
    with pytest.raises(SigningKeyError):
        create_key(path)


def test_checkpoint_round_trip(store_url, apps, key, tmp_path):
    path, public = key
    app = apps(store_url)
    fill(app, 5)
    cp = make_checkpoint(store_url, path)
    with Raw(store_url) as raw:
        n = raw.count()
    assert cp["public_key"] == public and cp["position"] == cp["events"] == n
    file = tmp_path / "cp.json"
    file.write_text(json.dumps(cp))
    fill(app, 3)  # the log grows after the checkpoint: still fine
    report = verify(store_url, [str(file)], trusted_keys={public})
    assert report.intact and report.checkpoints_checked == 1 and report.events_checked == n + 6
    assert [(seen.key, seen.trusted) for seen in report.checkpoints] == [(fingerprint(public), True)]


def test_key_from_environment(store_url, apps, key, monkeypatch):
    fill(apps(store_url), 1)
    monkeypatch.setenv(KEY_ENV, str(key[0]))
    assert make_checkpoint(store_url)["position"] == 2
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(SigningKeyError):
        make_checkpoint(store_url)


def test_truncated_tail(store_url, apps, key):
    fill(apps(store_url), 5)
    cp = make_checkpoint(store_url, key[0])
    with Raw(store_url) as raw:
        raw.disable_guards()
        raw.run(f"DELETE FROM {EVENTS_TABLE} WHERE {{pos}} > 7")
        raw.run(f"DELETE FROM {CHAIN_TABLE} WHERE position > 7")
    report = verify(store_url, [cp])
    assert (report.intact, report.problem, report.first_bad_position) == (False, "truncated", 8), report


def test_whole_chain_rewritten(store_url, apps, key):
    fill(apps(store_url), 5)
    cp = make_checkpoint(store_url, key[0])
    with Raw(store_url) as raw:
        raw.disable_guards()
        raw.run(f"UPDATE {EVENTS_TABLE} SET topic = topic || 'x' WHERE {{pos}} = 2")
        rechain(raw)
    assert verify(store_url).intact  # consistent on its own...
    report = verify(store_url, [cp])  # ...but not what was signed
    assert (report.intact, report.problem, report.first_bad_position) == (False, "rewritten", cp["position"]), report


def test_refuses_to_sign_an_altered_log(store_url, apps, key):
    fill(apps(store_url), 3)
    with Raw(store_url) as raw:
        raw.disable_guards()
        raw.run(f"DELETE FROM {EVENTS_TABLE} WHERE {{pos}} = 2")
    with pytest.raises(ChainBroken):
        make_checkpoint(store_url, key[0])


def test_altered_or_untrusted_checkpoint(tmp_path, apps, key):
    url = f"sqlite:///{tmp_path}/s.sqlite"
    fill(apps(url), 2)
    cp = make_checkpoint(url, key[0])
    with pytest.raises(BadCheckpoint, match="altered"):
        load_checkpoint({**cp, "position": 3})
    # Signed by a key the auditor does not trust: exit 3's untrusted-key, the key named.
    report = verify(url, [cp], trusted_keys={create_key(tmp_path / "other.pem")})
    assert (report.intact, report.problem) == (False, "untrusted-key")
    assert fingerprint(cp["public_key"]) in report.detail and report.checkpoints[0].trusted is False
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(BadCheckpoint):
        verify(url, [str(tmp_path / "junk.json")])
