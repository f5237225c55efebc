"""The signing key on disk, and the canonical JSON that leaves commit to."""

from __future__ import annotations

import os
import random
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import rfc8785

from redline.ledger import (
    LedgerError,
    Verifier,
    canonical_json,
    create_signer,
    event_leaf,
    key_path,
    load_or_create_signer,
    load_signer,
    load_verifier,
    public_key_path,
)
from redline.ledger._canonical import format_timestamp, normalize_payload


def test_key_is_created_owner_only_under_redline_home(redline_home: Path) -> None:
    signer = create_signer("example.com/redline")
    assert key_path() == redline_home / "ledger.key"
    assert stat.S_IMODE(key_path().stat().st_mode) == 0o600
    assert key_path().read_text().startswith("PRIVATE+KEY+example.com/redline+")
    assert load_signer().encode() == signer.encode()
    vkey = public_key_path().read_text().strip()
    assert vkey == signer.verifier.encode() and Verifier.parse(vkey) == signer.verifier
    assert load_verifier() == signer.verifier


def test_key_is_never_overwritten() -> None:
    first = load_or_create_signer()
    assert load_or_create_signer().encode() == first.encode()
    with pytest.raises(LedgerError, match="never overwritten"):
        create_signer()
    assert load_signer().encode() == first.encode()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_key_others_can_read_is_refused() -> None:
    create_signer()
    key_path().chmod(0o644)
    with pytest.raises(LedgerError, match="chmod 600"):
        load_signer()


def test_missing_keys_say_what_to_do() -> None:
    with pytest.raises(LedgerError, match="redline ledger key --create"):
        load_signer()
    with pytest.raises(LedgerError, match="--public-key"):
        load_verifier()


def test_canonical_json_is_rfc8785() -> None:
    # RFC 8785 section 3.2.2 / appendix B style: sorted keys, ES6 numbers, minimal escapes.
    value = {"b": [1e30, 4.5, 0.002, 1e-7, -0.0, 2.0], "a": "\u20ac$\u000f\nA'B\"\\\\\"/",
             "\u00e9": True, "c": None}
    got = canonical_json(value)
    assert got == rfc8785.dumps(value)
    assert got == ('{"a":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/","b":[1e+30,4.5,0.002,1e-7,0,2],'
                   '"c":null,"\u00e9":true}').encode()


@pytest.mark.parametrize("bad", [{"n": 2**53 + 1}, {"f": float("nan")}, {"t": datetime.now(UTC)},
                                 {1: "int key"}, {"b": b"bytes"}])
def test_values_without_a_canonical_form_are_refused(bad: dict[object, object]) -> None:
    with pytest.raises(LedgerError):
        normalize_payload(bad)  # type: ignore[arg-type]


def test_normalized_payload_is_a_fixed_point() -> None:
    payload = {"x": 1.0, "y": (1, 2), "z": {"b": 1e21, "a": "\u2028"}}
    norm, canonical = normalize_payload(payload)
    assert norm == {"x": 1, "y": [1, 2], "z": {"a": "\u2028", "b": 1e21}}
    assert canonical == canonical_json(norm) == normalize_payload(norm)[1]


def test_event_leaf_layout() -> None:
    leaf = event_leaf(3, "ev-1", "signoff", None, "2026-01-02T03:04:05.000006Z", {"k": "v"})
    assert leaf == (b'{"actor":null,"created_at":"2026-01-02T03:04:05.000006Z","event_id":"ev-1",'
                    b'"payload":{"k":"v"},"seq":3,"type":"signoff","v":1}')


def test_spliced_leaf_is_the_canonical_json_of_the_whole_event() -> None:
    rng = random.Random(3)
    for i in range(200):
        payload = {rng.choice(["a", "\u00e9", "\U0001f600", "\uff41", "z" * 3]): rng.choice(
            [1.5e300, -0.0, 2**53 - 1, "\u2028\x01\"", None, [True, {"k": 1e-7}]])
            for _ in range(rng.randint(0, 4))}
        actor = rng.choice([None, "alice", "b\u00f6b"])
        whole = {"v": 1, "seq": i, "event_id": f"ev-{i}", "type": "t", "actor": actor,
                 "created_at": "2026-01-02T03:04:05.000006Z", "payload": payload}
        assert event_leaf(i, f"ev-{i}", "t", actor, whole["created_at"], payload) == (
            rfc8785.dumps(whole))


def test_timestamps_are_utc_with_microseconds() -> None:
    ts = datetime(2026, 1, 2, 5, 4, 5, 6, tzinfo=timezone(timedelta(hours=2)))
    assert format_timestamp(ts) == "2026-01-02T03:04:05.000006Z"
    with pytest.raises(LedgerError):
        format_timestamp(datetime(2026, 1, 2))
