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
from typing import ClassVar, cast

from cryptography.exceptions import InvalidSignature

from .note import EM_DASH, NoteError, PrivateKey, PublicKey, b64, b64decode_strict, check_text

COSIGNATURE_V1 = 0x04
_LINE = re.compile(f"{EM_DASH} ([^ ]+) ([^ ]+)")


def message(text: str, timestamp: int) -> bytes:
    """What a cosignature signs: the header, the time line, the checkpoint's note text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class CosignerKey(PublicKey):
    SIG_TYPE: ClassVar[int] = COSIGNATURE_V1
    WHAT: ClassVar[str] = "witness key"

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
            self.ed25519.verify(raw[12:], message(text, timestamp))
        except InvalidSignature:
            raise NoteError(f"the cosignature by {self.name} does not verify") from None
        return timestamp


@dataclass(frozen=True)
class Cosigner(PrivateKey):
    PUBLIC: ClassVar[type[PublicKey]] = CosignerKey
    WHAT: ClassVar[str] = "witness signing key"

    @property
    def key(self) -> CosignerKey:
        return cast(CosignerKey, self.public)  # PUBLIC is CosignerKey

    def cosign(self, text: str, timestamp: int) -> str:
        """The signature line of this witness's cosignature on the checkpoint text."""
        check_text(text)
        if not 0 < timestamp < 2**63:
            raise NoteError("a cosignature's timestamp is a positive POSIX time")
        signature = self._sign(message(text, timestamp))
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
