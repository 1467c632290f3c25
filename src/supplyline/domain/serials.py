"""Serial numbers and their manifests.

A manifest is a list of serial numbers in the order given (a shipment line's, a check's
sightings, a disposition's). Its root is the RFC 6962 Merkle tree hash over the serials'
UTF-8 bytes (leaf = SHA-256(0x00 || serial)), the same tree the log uses, so one serial's
membership is proved with an ordinary inclusion proof (``ledger.merkle``) against the
root the event in the signed log carries, and the log holds no serial in clear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..ledger.merkle import leaf_hashes, node_hash, parents, root_of
from .errors import InvalidInput, RuleViolation

#: letters, digits and the separators manufacturers print; no spaces, at most 64 characters
_SERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


@dataclass(frozen=True)
class SerialRow:
    """One serial as read from a file: the row it stood on and the line it names (if any)."""

    row: int
    serial: str
    line: int | None = None


def parse_serial(where: str, value: object) -> str:
    text = str(value).strip() if value is not None else ""
    if not _SERIAL.match(text):
        raise InvalidInput(where, value, "is not a serial number (letters, digits, . _ / -, at most 64 characters)")
    return text


def distinct(rows: Sequence[SerialRow], what: str = "serial") -> None:
    """Refuse a serial that appears twice, naming both rows."""
    first: dict[str, int] = {}
    for r in rows:
        if r.serial in first:
            raise InvalidInput(
                f"row {r.row}", r.serial, f"{what} {r.serial} appears more than once (also on row {first[r.serial]})"
            )
        first[r.serial] = r.row


def exactly(rows: Sequence[SerialRow], units: int, where: str, verb: str = "ships") -> None:
    if len(rows) != units:
        many = "too few" if len(rows) < units else "too many"
        raise RuleViolation(
            f"{where} {verb} {units} units: {len(rows)} serial numbers given are {many}", field=where, value=len(rows)
        )


def never_seen(rows: Sequence[SerialRow], known: Iterable[str]) -> None:
    """Refuse serials already in the ledger (``known``: those of ``rows`` found there)."""
    seen = set(known)
    for r in rows:
        if r.serial in seen:
            raise RuleViolation(
                f"row {r.row}: serial {r.serial} is already in the ledger", field=f"row {r.row}", value=r.serial
            )


def manifest_root(serials: Sequence[str]) -> str:
    return tree_root(leaf_hashes(s.encode("utf-8") for s in serials)).hex() if serials else ""


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962 MTH, level by level (C loops) rather than by recursion: manifests are large."""
    if len(leaves) <= 2:
        return root_of(leaves)
    k = 1 << ((len(leaves) - 1).bit_length() - 1)  # the largest power of two below n
    left = list(leaves[:k])
    while len(left) > 1:
        left = parents(left)
    return node_hash(left[0], tree_root(leaves[k:]))


def inclusion_path(serials: Sequence[str], index: int) -> list[bytes]:
    """The audit path of serial ``index`` in the manifest of ``serials`` (RFC 6962 PATH)."""
    from ..ledger.merkle import inclusion_ranges

    leaves = leaf_hashes(s.encode("utf-8") for s in serials)
    return [tree_root(leaves[a:b]) for a, b in inclusion_ranges(index, len(leaves))]


def by_line(rows: Sequence[SerialRow], serialised: Sequence[int]) -> dict[int, list[SerialRow]]:
    """The serials of each serialised contract line: as the file's ``line`` column says, or
    all of them for the one serialised line when the shipment has only one."""
    out: dict[int, list[SerialRow]] = {n: [] for n in serialised}
    for r in rows:
        line = r.line
        if line is None:
            if len(serialised) != 1:
                raise InvalidInput(
                    f"row {r.row}",
                    r.serial,
                    "the shipment has several serialised lines: give each serial's line (column 'line')",
                )
            line = serialised[0]
        if line not in out:
            raise RuleViolation(
                f"row {r.row}: contract line {line} of this shipment carries no serial numbers",
                field=f"row {r.row}",
                value=r.serial,
            )
        out[line].append(r)
    return out
