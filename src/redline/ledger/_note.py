"""C2SP signed notes and tlog checkpoints, byte for byte.

A signed note (https://c2sp.org/signed-note) is a text ending in a newline,
a blank line, then one line per signature::

    — <key name> <base64(4-byte big-endian key ID || Ed25519 signature)>

The Ed25519 key ID is ``SHA-256(key name || 0x0A || 0x01 || public key)[:4]``,
and a verifier key is the text ``<name>+<key ID, 8 hex digits>+<base64(0x01 ||
public key)>`` -- the forms of Go's ``golang.org/x/mod/sumdb/note``, so notes
and keys made here are read by the Go tools, Sigstore, transparency-dev and
the C2SP witnesses, and theirs by redline.

A checkpoint (https://c2sp.org/tlog-checkpoint) is a note whose text is the
log's origin, its tree size in decimal and its base64 root hash, one per line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from redline.ledger._errors import LedgerError

#: The signature type byte of Ed25519 in the signed-note spec.
ED25519 = 0x01
_DASH = "\u2014 "
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_MAX_SIGNATURES = 100


def check_key_name(name: str) -> str:
    """``name`` if it is a valid key name: non-empty, no Unicode space, no ``+``."""
    if not name or "+" in name or any(c.isspace() for c in name) or _CONTROL.search(name):
        raise LedgerError(f"invalid note key name {name!r}: it must be non-empty and contain "
                          "no spaces and no '+' (for example 'example.com/redline')")
    return name


def key_id(name: str, public_key: bytes) -> int:
    """The Ed25519 key ID: the first 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || key)."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def b64decode(text: str) -> bytes:
    """Strict standard base64 (RFC 4648 section 4, padded)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise LedgerError(f"bad base64 {text[:60]!r}: {exc}") from exc
    if base64.b64encode(raw).decode() != text:
        raise LedgerError(f"non-canonical base64 {text[:60]!r}")
    return raw


@dataclass(frozen=True)
class Verifier:
    """A named Ed25519 public key that checks note signatures."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> int:
        return key_id(self.name, self.public_key)

    def encode(self) -> str:
        """The verifier key string ``name+hash+base64(0x01 || key)``."""
        material = base64.b64encode(bytes([ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id:08x}+{material}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Parse a verifier key string; ``LedgerError`` if malformed or its hash disagrees."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise LedgerError(f"malformed verifier key {vkey.strip()[:80]!r}: expected "
                              "NAME+8HEX+BASE64 (as printed by `redline ledger key`)")
        name, hash_hex, material = parts
        raw = b64decode(material)
        if len(raw) != 33 or raw[0] != ED25519:
            raise LedgerError(f"verifier key {name!r} is not an Ed25519 key")
        verifier = cls(check_key_name(name), raw[1:])
        if verifier.key_id != int(hash_hex, 16):
            raise LedgerError(f"verifier key {name!r}: key hash {hash_hex} does not match the key")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """The signed note of ``text`` (which must end in a newline) by key ``name``."""
    _check_text(text)
    check_key_name(name)
    public = private_key.public_key().public_bytes_raw()
    blob = key_id(name, public).to_bytes(4, "big") + private_key.sign(text.encode())
    return f"{text}\n{_DASH}{name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note."""

    name: str
    key_id: int
    signature: bytes


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """A note's text and its signature lines, checked for form only."""
    if _CONTROL.search(note):
        raise LedgerError("malformed note: it contains a control character other than newline")
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise LedgerError("malformed note: expected text, a blank line, then signature lines")
    text, lines = note[:cut + 1], note[cut + 2:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise LedgerError(f"malformed note: more than {_MAX_SIGNATURES} signatures")
    sigs = []
    for line in lines:
        if not line.startswith(_DASH) or line.count(" ") != 2:
            raise LedgerError(f"malformed note signature line {line[:80]!r}")
        name, blob64 = line[len(_DASH):].split(" ")
        blob = b64decode(blob64)
        if len(blob) < 5:
            raise LedgerError(f"malformed note signature line {line[:80]!r}")
        sigs.append(NoteSignature(check_key_name(name), int.from_bytes(blob[:4], "big"),
                                  blob[4:]))
    return text, sigs


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` once ``verifier``'s signature on it checks out.

    Signatures by other keys are ignored (as the spec requires); a signature
    by the verifier's key that fails rejects the whole note.
    """
    text, sigs = split_note(note)
    mine = [s for s in sigs if s.name == verifier.name and s.key_id == verifier.key_id]
    if not mine:
        raise LedgerError(f"the note is not signed by key {verifier.name}+{verifier.key_id:08x}")
    for sig in mine:
        if not verifier.verify(text.encode(), sig.signature):
            raise LedgerError(f"the signature by {verifier.name} does not verify: the note was "
                              "altered or signed by another key with the same name")
    return text


def _check_text(text: str) -> None:
    if not text.endswith("\n") or _CONTROL.search(text):
        raise LedgerError("note text must end in a newline and contain no control characters")


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: origin, tree size and root hash (c2sp.org/tlog-checkpoint)."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The note text: one line each for origin, size, base64 root, extensions."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode(),
                 *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse checkpoint note text strictly."""
        if not text.endswith("\n"):
            raise LedgerError("malformed checkpoint: the text must end in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3 or not all(lines):
            raise LedgerError("malformed checkpoint: expected origin, size and root hash lines, "
                              "none empty")
        origin, size, root64, *ext = lines
        if not re.fullmatch(r"0|[1-9][0-9]*", size):
            raise LedgerError(f"malformed checkpoint: tree size {size[:40]!r} is not decimal")
        root = b64decode(root64)
        if len(root) != 32:
            raise LedgerError("malformed checkpoint: the root hash is not 32 bytes")
        return cls(origin, int(size), root, tuple(ext))


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint and the signed note that carries it, as written to files."""

    checkpoint: Checkpoint
    note: str

    @property
    def size(self) -> int:
        return self.checkpoint.size

    @property
    def root_hash(self) -> bytes:
        return self.checkpoint.root_hash

    @property
    def origin(self) -> str:
        return self.checkpoint.origin

    @classmethod
    def open(cls, note: str, verifier: Verifier) -> SignedCheckpoint:
        """Verify ``note`` with ``verifier`` and parse its checkpoint."""
        return cls(Checkpoint.parse(open_note(note, verifier)), note)

    @classmethod
    def parse_unverified(cls, note: str) -> SignedCheckpoint:
        """Parse ``note`` checking its form only: trust it only after :meth:`open`."""
        return cls(Checkpoint.parse(split_note(note)[0]), note)

    @classmethod
    def sign(cls, checkpoint: Checkpoint, name: str,
             private_key: Ed25519PrivateKey) -> SignedCheckpoint:
        """Sign ``checkpoint`` with ``private_key`` under key name ``name``."""
        return cls(checkpoint, sign_note(checkpoint.text(), name, private_key))
