"""C2SP signed notes and checkpoints, byte for byte.

Known answers come from the Go reference implementation's tests,
golang.org/x/mod/sumdb/note ``note_test.go`` (BSD-3-Clause): the PeterNeumann
signer and verifier keys and the note it signs. Ed25519 is deterministic
(RFC 8032), so signing that text with that key must reproduce the published
signature exactly -- which is what lets Go tools read redline's notes. The
checkpoint example is the one in c2sp.org/tlog-checkpoint.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from redline.ledger import (
    Checkpoint,
    LedgerError,
    SignedCheckpoint,
    Signer,
    Verifier,
    key_id,
    open_note,
    sign_note,
)

GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_SIG = ("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
          "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
GO_NOTE = GO_TEXT + "\n" + GO_SIG


def test_key_id_known_answer() -> None:
    v = Verifier.parse(GO_VKEY)
    assert v.name == "PeterNeumann"
    assert key_id(v.name, v.public_key) == 0xC74F20A3
    digest = hashlib.sha256(b"PeterNeumann\n\x01" + v.public_key).digest()
    assert digest[:4] == bytes.fromhex("c74f20a3")
    assert v.encode() == GO_VKEY


def test_signer_key_parses_and_matches_the_verifier() -> None:
    s = Signer.parse(GO_SKEY)
    assert s.encode() == GO_SKEY
    assert s.verifier.encode() == GO_VKEY


def test_signing_reproduces_the_go_note_byte_for_byte() -> None:
    s = Signer.parse(GO_SKEY)
    assert sign_note(GO_TEXT, s.name, s.private_key) == GO_NOTE


def test_open_note_accepts_the_go_note_and_rejects_alterations() -> None:
    v = Verifier.parse(GO_VKEY)
    assert open_note(GO_NOTE, v) == GO_TEXT
    with pytest.raises(LedgerError, match="does not verify"):
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), v)
    other = Signer.generate("PeterNeumann").verifier
    with pytest.raises(LedgerError, match="not signed by key"):
        open_note(GO_NOTE, other)
    for bad in (GO_TEXT, GO_NOTE.replace("\u2014 ", "-- "), GO_NOTE[:-1],
                GO_NOTE.replace("\n\n", "\n\x07\n")):
        with pytest.raises(LedgerError):
            open_note(bad, v)


def test_unknown_signatures_are_ignored() -> None:
    s = Signer.parse(GO_SKEY)
    witness = Signer.generate("witness.example/w1")
    note = sign_note(GO_TEXT, witness.name, witness.private_key)
    both = GO_NOTE + note.split("\n\n", 1)[1]
    assert open_note(both, s.verifier) == GO_TEXT
    assert open_note(both, witness.verifier) == GO_TEXT


def test_malformed_keys_are_refused() -> None:
    for bad in ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "PeterNeumann+c74f20a3", "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq",
                "PeterNeumann+c74f20a3+AhpcQ2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"):
        with pytest.raises(LedgerError):
            Verifier.parse(bad)
    with pytest.raises(LedgerError):
        Signer.parse(GO_SKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(LedgerError):
        Signer.generate("bad+name")


def test_checkpoint_text_is_the_c2sp_layout() -> None:
    root = bytes(range(32))
    cp = Checkpoint("example.com/log", 123, root)
    assert cp.text() == f"example.com/log\n123\n{base64.b64encode(root).decode()}\n"
    assert Checkpoint.parse(cp.text()) == cp
    assert Checkpoint("o", 0, root).text().splitlines()[1] == "0"
    spec = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    parsed = Checkpoint.parse(spec)
    assert (parsed.origin, parsed.size, len(parsed.root_hash)) == (
        "example.com/behind-the-sofa", 20852163, 32)
    assert parsed.text() == spec
    ext = Checkpoint.parse(spec + "extension line\n")
    assert ext.extensions == ("extension line",) and ext.text() == spec + "extension line\n"


@pytest.mark.parametrize("text", [
    "origin\n5\n",
    "origin\n05\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    "origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    "origin\n5\nAAAA\n",
    "origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    "origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nx\n",
])
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(LedgerError):
        Checkpoint.parse(text)


def test_signed_checkpoint_round_trip() -> None:
    s = Signer.generate("example.com/redline")
    cp = Checkpoint(s.name, 42, hashlib.sha256(b"x").digest())
    signed = SignedCheckpoint.sign(cp, s.name, s.private_key)
    text, sig_line = signed.note.split("\n\n")
    assert text + "\n" == cp.text()
    assert sig_line.startswith("\u2014 example.com/redline ") and sig_line.endswith("=\n")
    blob = base64.b64decode(sig_line.split(" ")[2])
    assert len(blob) == 4 + 64 and blob[:4] == s.verifier.key_id.to_bytes(4, "big")
    opened = SignedCheckpoint.open(signed.note, s.verifier)
    assert opened.checkpoint == cp and opened.note == signed.note
    forged = signed.note.replace("\n42\n", "\n43\n")
    with pytest.raises(LedgerError):
        SignedCheckpoint.open(forged, s.verifier)
