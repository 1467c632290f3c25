"""Signed notes and checkpoints (C2SP signed-note and tlog-checkpoint), with Ed25519 keys.

The formats are the transparency-log ecosystem's, byte for byte, so that witnesses and Go's
``sumdb/note`` verifier read supplyline's checkpoints:

- verifier key: ``<name>+<hex key ID>+<base64(0x01 || public key)>``
- signer key (the private key file, Go's format): ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``
- key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4]
- signature line: ``— <name> base64(key ID || Ed25519 signature over the note text)``
- checkpoint text: origin, decimal tree size, base64 root hash, optional extension lines.

Parsing is strict: anything that is not exactly the format is refused, so a flipped byte
anywhere in a note is caught.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Self, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
EM_DASH = "\u2014"
MAX_SIGNATURES = 100
_NAME = re.compile(r"[^\s+]+")
_SIZE = re.compile(r"0|[1-9][0-9]*")
# one regex scan: a witness and the log check every note they read for these, and a loop over
# the characters in Python cost more than the note's Ed25519 signature check
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")  # control characters other than the newline


class NoteError(ValueError):
    """A note, key or checkpoint that is malformed or not validly signed."""


def b64decode_strict(text: str, what: str) -> bytes:
    """Standard base64 that must round-trip exactly (so no two spellings of one value)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise NoteError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"{what} is not canonical base64")
    return raw


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise NoteError(f"key name '{name}' must be non-empty, without spaces or '+'")
    return name


def key_id(name: str, public_key: bytes, sig_type: int = ED25519) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


def ed25519_signer(seed: bytes) -> Callable[[bytes], bytes]:
    """Ed25519 signing with one key: libsodium's (PyNaCl) when it is installed, about twice
    as fast as OpenSSL's, which signing on commit pays on every write; Ed25519 is
    deterministic, so both give the same signature."""
    try:
        from nacl.bindings import crypto_sign, crypto_sign_seed_keypair
    except ImportError:  # pragma: no cover - PyNaCl is a dependency; an older environment still signs
        return Ed25519PrivateKey.from_private_bytes(seed).sign
    _, secret = crypto_sign_seed_keypair(seed)
    return lambda message: crypto_sign(message, secret)[:64]


@dataclass(frozen=True)
class PublicKey:
    """A named Ed25519 public key, ``<name>+<hex key ID>+<base64(type || key)>``: a log's
    verifier key (type 0x01) or a witness's cosigner key (0x04, ledger/cosignature.py)."""

    name: str
    id: bytes
    public_key: bytes

    SIG_TYPE: ClassVar[int] = ED25519
    WHAT: ClassVar[str] = "verifier key"

    @classmethod
    def parse(cls, vkey: str) -> Self:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError(f"a {cls.WHAT} is <name>+<key ID hex>+<base64 key>")
        name, hex_id, key_b64 = parts
        _check_name(name)
        if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise NoteError(f"{cls.WHAT} ID '{hex_id}' is not 8 lowercase hex digits")
        material = b64decode_strict(key_b64, f"the {cls.WHAT}")
        if len(material) != 33 or material[0] != cls.SIG_TYPE:
            raise NoteError(f"the {cls.WHAT} is not an Ed25519 key (type 0x{cls.SIG_TYPE:02x} and 32 bytes)")
        key = cls(name, bytes.fromhex(hex_id), material[1:])
        if key_id(name, key.public_key, cls.SIG_TYPE) != key.id:
            raise NoteError(f"{cls.WHAT} ID {hex_id} does not match the key name and public key")
        return key

    def __str__(self) -> str:
        return f"{self.name}+{self.id.hex()}+{b64(bytes([self.SIG_TYPE]) + self.public_key)}"

    @cached_property
    def ed25519(self) -> Ed25519PublicKey:
        """The key loaded once: a witness checks a signature by it on every checkpoint."""
        return Ed25519PublicKey.from_public_bytes(self.public_key)


@dataclass(frozen=True)
class Verifier(PublicKey):
    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            self.ed25519.verify(signature, text)
            return True
        except InvalidSignature:
            return False


@dataclass(frozen=True)
class PrivateKey:
    """A named Ed25519 private key (the 32-byte seed) in Go's ``PRIVATE+KEY+…`` form, of the
    type of its public key class ``PUBLIC``."""

    name: str
    seed: bytes

    PUBLIC: ClassVar[type[PublicKey]] = PublicKey
    WHAT: ClassVar[str] = "signer key"

    @classmethod
    def generate(cls, name: str) -> Self:
        return cls(_check_name(name), new_seed())

    @classmethod
    def parse(cls, skey: str) -> Self:
        name, hex_id, seed = parse_private(skey, cls.PUBLIC.SIG_TYPE, cls.WHAT)
        key = cls(name, seed)
        if key.public.id.hex() != hex_id:
            raise NoteError(f"{cls.WHAT} ID {hex_id} does not match the key")
        return key

    # derived once per key: signing on commit signs after every write, and deriving the
    # public key and key ID each time cost three times the signature itself
    @cached_property
    def _sign(self) -> Callable[[bytes], bytes]:
        return ed25519_signer(self.seed)

    @cached_property
    def public_key(self) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @cached_property
    def public(self) -> PublicKey:
        public = self.public_key
        return self.PUBLIC(self.name, key_id(self.name, public, self.PUBLIC.SIG_TYPE), public)

    def __str__(self) -> str:
        return f"PRIVATE+KEY+{self.name}+{self.public.id.hex()}+{b64(bytes([self.PUBLIC.SIG_TYPE]) + self.seed)}"


@dataclass(frozen=True)
class Signer(PrivateKey):
    PUBLIC: ClassVar[type[PublicKey]] = Verifier

    @property
    def verifier(self) -> Verifier:
        return cast(Verifier, self.public)  # PUBLIC is Verifier

    def sign(self, text: str) -> str:
        """The signed note: ``text`` (ending in a newline), a blank line, one signature line."""
        check_text(text)
        signature = self._sign(text.encode())
        return f"{text}\n{EM_DASH} {self.name} {b64(self.verifier.id + signature)}\n"


def new_seed() -> bytes:
    """A fresh 32-byte Ed25519 private key."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    return Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def parse_private(skey: str, sig_type: int, what: str) -> tuple[str, str, bytes]:
    """(name, key ID hex, seed) of Go's ``PRIVATE+KEY+<name>+<id>+<base64(type || seed)>``;
    the caller checks the ID against the key it derives."""
    parts = skey.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError(f"a {what} is PRIVATE+KEY+<name>+<key ID hex>+<base64 key>")
    name, hex_id, key_b64 = parts[2:]
    material = b64decode_strict(key_b64, f"the {what}")
    if len(material) != 33 or material[0] != sig_type:
        raise NoteError(f"the {what} is not an Ed25519 key of type 0x{sig_type:02x} (and 32 bytes)")
    return _check_name(name), hex_id, material[1:]


def check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("the note text must end with a newline")
    if _CONTROL.search(text):
        raise NoteError("the note contains control characters")


def open_note(note: bytes, verifiers: list[Verifier]) -> tuple[str, list[Verifier]]:
    """The text of a signed note, and which trusted keys signed it; NoteError otherwise.

    Signatures by unknown keys are ignored; a known key's signature that does not verify
    rejects the note, and at least one known key must have signed."""
    try:
        whole = note.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("the note is not valid UTF-8") from None
    if _CONTROL.search(whole):
        raise NoteError("the note contains control characters")
    split = whole.rfind("\n\n")
    if split < 0:
        raise NoteError("the note has no blank line before its signatures")
    text, block = whole[: split + 1], whole[split + 2 :]
    if not block.endswith("\n") or not block.strip("\n"):
        raise NoteError("the note's signature lines are missing or do not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"the note has more than {MAX_SIGNATURES} signatures")
    known = {(v.name, v.id): v for v in verifiers}
    signed: list[Verifier] = []
    for number, line in enumerate(lines, start=1):
        match = re.fullmatch(f"{EM_DASH} ([^ ]+) ([^ ]+)", line)
        if not match:
            raise NoteError(f"signature line {number} is not '— <key name> <base64 signature>'")
        name, sig_b64 = match.groups()
        _check_name(name)
        raw = b64decode_strict(sig_b64, f"signature {number}")
        if len(raw) < 5:
            raise NoteError(f"signature {number} is too short")
        verifier = known.get((name, raw[:4]))
        if verifier is None:
            continue
        if not verifier.verify(text.encode(), raw[4:]):
            raise NoteError(
                f"the signature by {name} (key {raw[:4].hex()}) does not verify: the note was altered "
                "or signed by another key"
            )
        signed.append(verifier)
    if not signed:
        names = ", ".join(f"{v.name}+{v.id.hex()}" for v in verifiers) or "no keys"
        raise NoteError(f"the note carries no signature by a trusted key ({names})")
    return text, signed


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), b64(self.root), *self.extensions]
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        check_text(text)
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError("a checkpoint has at least three lines: origin, tree size, root hash")
        origin, size, root, *extensions = lines
        if not origin:
            raise NoteError("the checkpoint origin is empty")
        if not _SIZE.fullmatch(size):
            raise NoteError(f"the checkpoint tree size '{size}' is not a decimal without leading zeros")
        raw = b64decode_strict(root, "the checkpoint root hash")
        if len(raw) != 32:
            raise NoteError(f"the checkpoint root hash is {len(raw)} bytes, not 32")
        if any(not line for line in extensions):
            raise NoteError("a checkpoint extension line is empty")
        return cls(origin, int(size), raw, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    return signer.sign(checkpoint.text())


def open_checkpoint(note: bytes, verifier: Verifier) -> Checkpoint:
    """A checkpoint signed by ``verifier`` whose origin is the key's name."""
    text, _ = open_note(note, [verifier])
    checkpoint = Checkpoint.parse(text)
    if checkpoint.origin != verifier.name:
        raise NoteError(f"the checkpoint is for log '{checkpoint.origin}', the key is for '{verifier.name}'")
    return checkpoint
