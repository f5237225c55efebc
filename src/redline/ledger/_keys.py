"""The ledger's Ed25519 signing key: generated once, kept in a file, never in the database.

``$REDLINE_HOME/ledger.key`` holds the private key in the signer-key form of
Go's ``sumdb/note`` (``PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || seed)>``),
created owner-only (0600); a key file that group or others can read is
refused. ``$REDLINE_HOME/ledger.pub`` holds the verifier key string to hand to
auditors. The key name doubles as the checkpoint origin.
"""

from __future__ import annotations

import base64
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from redline.ledger._errors import LedgerError
from redline.ledger._note import ED25519, Verifier, b64decode, check_key_name, key_id
from redline.settings import home

KEY_FILE = "ledger.key"
PUBLIC_KEY_FILE = "ledger.pub"
_PREFIX = "PRIVATE+KEY+"


def key_path() -> Path:
    """Where the private signing key lives: ``$REDLINE_HOME/ledger.key``."""
    return home() / KEY_FILE


def public_key_path() -> Path:
    """Where the exported verifier key lives: ``$REDLINE_HOME/ledger.pub``."""
    return home() / PUBLIC_KEY_FILE


def default_key_name() -> str:
    """A fresh, unique key name (and checkpoint origin) for a new log."""
    return f"redline/{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Signer:
    """A named Ed25519 private key that signs checkpoints."""

    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str | None = None) -> Signer:
        return cls(check_key_name(name or default_key_name()), Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.private_key.public_key().public_bytes_raw())

    def encode(self) -> str:
        """The signer key string ``PRIVATE+KEY+name+hash+base64(0x01 || seed)``."""
        seed = self.private_key.private_bytes_raw()
        material = base64.b64encode(bytes([ED25519]) + seed).decode()
        return f"{_PREFIX}{self.name}+{self.verifier.key_id:08x}+{material}"

    @classmethod
    def parse(cls, skey: str) -> Signer:
        """Parse a signer key string; ``LedgerError`` if malformed or its hash disagrees."""
        text = skey.strip()
        parts = text[len(_PREFIX):].split("+", 2) if text.startswith(_PREFIX) else []
        if len(parts) != 3:
            raise LedgerError("malformed signing key: expected PRIVATE+KEY+NAME+8HEX+BASE64")
        name, hash_hex, material = parts
        raw = b64decode(material)
        if len(raw) != 33 or raw[0] != ED25519:
            raise LedgerError(f"signing key {name!r} is not an Ed25519 key")
        signer = cls(check_key_name(name), Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if f"{key_id(name, signer.verifier.public_key):08x}" != hash_hex:
            raise LedgerError(f"signing key {name!r}: key hash {hash_hex} does not match the key")
        return signer


def create_signer(name: str | None = None, path: Path | None = None) -> Signer:
    """Generate a key, write it owner-only to ``path`` and its verifier key beside it.

    Refuses to overwrite an existing key: the log's checkpoints are signed by it.
    """
    path = path or key_path()
    signer = Signer.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise LedgerError(f"a ledger signing key already exists at {path}; "
                          "it is never overwritten") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(signer.encode() + "\n")
    write_public_key(signer.verifier, path.with_name(PUBLIC_KEY_FILE))
    return signer


def write_public_key(verifier: Verifier, path: Path) -> None:
    """Write the verifier key string (and a newline) to ``path``."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(verifier.encode() + "\n", encoding="utf-8")
    tmp.replace(path)


def load_signer(path: Path | None = None) -> Signer:
    """Read the signing key, refusing a file that group or others may read."""
    path = path or key_path()
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LedgerError(f"no ledger signing key at {path}: run `redline ledger key --create` "
                          "(or set REDLINE_HOME to the folder that holds ledger.key)") from None
    if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
        raise LedgerError(f"the ledger signing key {path} is readable by others "
                          f"(mode {stat.S_IMODE(mode):o}): run `chmod 600 {path}`")
    return Signer.parse(text)


def load_or_create_signer(path: Path | None = None) -> Signer:
    """The signing key, created (with its verifier key file) on first use."""
    path = path or key_path()
    if path.exists():
        return load_signer(path)
    return create_signer(path=path)


def load_verifier(path: Path | None = None) -> Verifier:
    """Read a verifier key string from ``path`` (default ``$REDLINE_HOME/ledger.pub``)."""
    path = path or public_key_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LedgerError(f"no ledger public key at {path}: pass --public-key FILE with the "
                          "verifier key the log's owner published") from None
    return Verifier.parse(text)
