"""Cosignatures (C2SP tlog-cosignature, Ed25519 ``cosignature/v1``): a witness's statement
that, at a given time, the checkpoint is the largest consistent tree it has seen of a log.

- cosigner key ID = SHA-256(name || 0x0A || 0x04 || public key)[:4]
- signature line: ``— <name> base64(key ID || u64 big-endian timestamp || Ed25519 signature)``
- signed message: ``cosignature/v1\\ntime <timestamp>\\n`` followed by the checkpoint's note
  text (its lines, with any extension lines, each ending in a newline)
- keys: ``<name>+<key ID hex>+<base64(0x04 || key)>``, and for the private key Go's
  ``PRIVATE+KEY+…`` form with the same type byte
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import cached_property

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .note import EM_DASH, NoteError, _check_name, b64, b64decode_strict, check_text, key_id, new_seed, parse_private

COSIGNATURE_V1 = 0x04
_LINE = re.compile(f"{EM_DASH} ([^ ]+) ([^ ]+)")


def message(text: str, timestamp: int) -> bytes:
    """What a cosignature signs: the header, the time line, the checkpoint's note text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class CosignerKey:
    name: str
    id: bytes
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> CosignerKey:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise NoteError("a witness key is <name>+<key ID hex>+<base64 key>")
        name, hex_id, key_b64 = parts
        _check_name(name)
        material = b64decode_strict(key_b64, "the witness key")
        if len(material) != 33 or material[0] != COSIGNATURE_V1:
            raise NoteError("the witness key is not an Ed25519 cosignature/v1 key (type 0x04 and 32 bytes)")
        key = cls(name, bytes.fromhex(hex_id), material[1:])
        if key_id(name, key.public_key, COSIGNATURE_V1) != key.id:
            raise NoteError(f"witness key ID {hex_id} does not match the key name and public key")
        return key

    def __str__(self) -> str:
        return f"{self.name}+{self.id.hex()}+{b64(bytes([COSIGNATURE_V1]) + self.public_key)}"

    def timestamp_of(self, text: str, line: str) -> int | None:
        """The time of this key's valid cosignature on the line; None if the line is not
        this key's; NoteError if it is and does not verify."""
        match = _LINE.fullmatch(line)
        if not match or match.group(1) != self.name:
            return None
        raw = b64decode_strict(match.group(2), f"the cosignature by {self.name}")
        if raw[:4] != self.id:
            return None
        if len(raw) != 4 + 8 + 64:
            raise NoteError(f"the cosignature by {self.name} is {len(raw)} bytes, not 76")
        (timestamp,) = struct.unpack(">Q", raw[4:12])
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(raw[12:], message(text, timestamp))
        except InvalidSignature:
            raise NoteError(f"the cosignature by {self.name} does not verify") from None
        return timestamp


@dataclass(frozen=True)
class Cosigner:
    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        return cls(_check_name(name), new_seed())

    @classmethod
    def parse(cls, skey: str) -> Cosigner:
        name, hex_id, seed = parse_private(skey, COSIGNATURE_V1, "witness signing key")
        cosigner = cls(name, seed)
        if cosigner.key.id.hex() != hex_id:
            raise NoteError(f"witness signing key ID {hex_id} does not match the key")
        return cosigner

    @cached_property  # derived once: a witness cosigns on every request
    def key(self) -> CosignerKey:
        public = (
            Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        return CosignerKey(self.name, key_id(self.name, public, COSIGNATURE_V1), public)

    def __str__(self) -> str:
        return f"PRIVATE+KEY+{self.name}+{self.key.id.hex()}+{b64(bytes([COSIGNATURE_V1]) + self.seed)}"

    def cosign(self, text: str, timestamp: int) -> str:
        """The signature line of this witness's cosignature on the checkpoint text."""
        check_text(text)
        if not 0 < timestamp < 2**63:
            raise NoteError("a cosignature's timestamp is a positive POSIX time")
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(message(text, timestamp))
        return f"{EM_DASH} {self.name} {b64(self.key.id + struct.pack('>Q', timestamp) + signature)}\n"


def split_note(note: bytes) -> tuple[str, list[str]]:
    """A signed note's text and its signature lines (no signature checked)."""
    try:
        whole = note.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("the note is not valid UTF-8") from None
    split = whole.rfind("\n\n")
    if split < 0 or not whole.endswith("\n"):
        raise NoteError("the note has no blank line before its signatures")
    return whole[: split + 1], whole[split + 2 : -1].split("\n")


def cosigned_by(note: bytes, witnesses: dict[str, CosignerKey]) -> dict[str, int]:
    """Which of ``witnesses`` (name in the policy -> key) validly cosigned the note, with the
    time of each; cosignatures by other keys are ignored, a known key's bad one refused."""
    text, lines = split_note(note)
    found: dict[str, int] = {}
    for label, key in witnesses.items():
        for line in lines:
            timestamp = key.timestamp_of(text, line)
            if timestamp is not None:
                found[label] = timestamp
    return found
