"""Whole-ledger integrity: the chain, the key the log names, the signed checkpoints it must
extend, and the projections, checked together. What `verify`, `serve`'s start and the
dashboard's badge report.

A database-only attacker can rewrite rows but cannot sign. So besides the chain, the log
must be consistent with the latest signed checkpoint found anywhere (the database's, the
checkpoint file beside the key, the witnesses' cosigned copy), and every event after it is
named: no signature covers it. Roots are recomputed from the events' own hashes, never read
from the stored tiles (which the same attacker could leave untouched).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.errors import Refused
from ...domain.logkey import check_rotation
from ...ledger import merkle
from ...ledger.chain import Verification
from ...ledger.compact import CompactRange
from ...ledger.note import Checkpoint, NoteError, Signer, Verifier, open_note
from ...store import keyfile, notefile, signing
from ...store import schema as t
from ...store.eventstore import Store, iter_events
from ...store.replicas import on_primary
from ..evidence import documents
from ..money_flow import conservation
from . import checks
from .projection_watch import ProjectionWatch

#: at most this many uncovered events or projection differences are named one by one
SHOWN = 20


@dataclass(frozen=True)
class Signed:
    """A signed checkpoint found somewhere, and where."""

    where: str
    checkpoint: Checkpoint


@dataclass
class Integrity:
    chain: Verification
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the size of the latest signed checkpoint the log is consistent with
    signed_size: int | None = None
    #: the key the log names now
    pinned: Verifier | None = None

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems

    def checked_summary(self) -> str:
        return f"{self.chain.checked} events, head {self.chain.head_hash}"

    def messages(self) -> list[str]:
        return ([self.chain.finding.message] if self.chain.finding else []) + self.problems


def check(
    store: Store,
    *,
    key_file: Path | None,
    extra_checkpoints: Iterable[tuple[str, bytes]] = (),
    projections: bool = True,
    watch: ProjectionWatch | None = None,
) -> Integrity:
    """Everything `verify` checks. ``key_file``: the operator's signing key (its checkpoint
    file beside it); ``extra_checkpoints``: (where, note) pairs from elsewhere, e.g. the
    witnesses' cosigned checkpoints; ``watch``: the server's running check of the projections
    (their digests), instead of a rebuild. Read on the primary where reads go to replicas."""
    with on_primary():
        return _check(store, key_file, extra_checkpoints, projections, watch)


def _check(
    store: Store,
    key_file: Path | None,
    extra_checkpoints: Iterable[tuple[str, bytes]],
    projections: bool,
    watch: ProjectionWatch | None,
) -> Integrity:
    result = Integrity(checks.verify_ledger(store))
    if not result.chain.ok:
        return result
    with store.read() as conn:
        keys = _key_checks(conn, key_file, result)
        if keys:
            found = list(_found_checkpoints(conn, key_file, extra_checkpoints, keys, result))
            _coverage(conn, result.chain.checked, found, result)
    if projections:
        if watch is None:
            differences = checks.check_projections(store)
        else:
            differences = watch.differences() + checks.check_tree(store)
        result.problems += projection_problems(differences)
        with store.read() as conn:
            broken = conservation.check_money(conn)
        result.problems += [f"money not conserved: {problem}" for problem in broken[:SHOWN]]
    # documents' bytes are beside the log: a missing or altered blob is named, the rest stands
    result.problems += documents.check_blobs(store)
    return result


def projection_problems(differences: list) -> list[str]:
    """Differences between the projections and the log, as the verification lists them."""
    named = [f"projection differs from the log: {difference}" for difference in differences[:SHOWN]]
    if len(differences) > SHOWN:
        named.append(f"… and {len(differences) - SHOWN} more projection differences")
    return named


@dataclass(frozen=True)
class NamedKey:
    """A key the log names: from the event that names it to the one that retires it (the
    rotation's own checkpoint is signed by both)."""

    verifier: Verifier
    named_at: int
    retired_at: int | None

    def signs(self, size: int, first: bool) -> bool:
        """Whether a checkpoint of ``size`` events is this key's to sign (the first key also
        signs the trees from before it was pinned: an existing ledger pins its key late)."""
        return (first or size >= self.named_at) and (self.retired_at is None or size <= self.retired_at)


def _key_checks(conn: Connection, key_file: Path | None, result: Integrity) -> list[NamedKey]:
    """The keys the log names (oldest first), after checking the operator's key is the last."""
    key, seqs = signing.log_key(conn)
    named = [Verifier.parse(v) for v in key.verifiers]
    for number, (seq, event) in enumerate(zip(seqs[1:], _rotations(conn, seqs[1:]), strict=True), start=1):
        why = check_rotation(key.verifiers[number - 1], key.verifiers[number], event)
        if why:
            result.problems.append(f"event #{seq} (KeyRotated): {why}")
    result.pinned = named[-1] if named else None
    operator: Signer | None = None
    if key_file is not None and key_file.exists():
        try:
            operator = keyfile.load(key_file)
        except Refused as exc:
            result.problems.append(f"the signing key cannot be read: {exc}")
    if operator is not None and not named:
        result.problems.append(
            f"the log names no signing key: run `supplyline init` to pin {operator.verifier} "
            "(a KeyPinned event), so a replaced key file is caught"
        )
        return []
    if operator is not None and result.pinned is not None and str(operator.verifier) != str(result.pinned):
        result.problems.append(
            f"the signing key in {key_file} ({operator.verifier}) is not the key the log names "
            f"({result.pinned}, event #{seqs[-1]}): the key file was replaced. Restore the log's key, "
            "or rotate with it (`supplyline key rotate`)"
        )
    if not named:
        result.notes.append(
            "the log names no signing key and none is configured: only the hash chain and the projections were checked"
        )
    elif operator is None:
        result.notes.append(f"no signing key here: checkpoints checked with the key the log names ({result.pinned})")
    retired: list[int | None] = [*seqs[1:], None]
    return [NamedKey(v, seq, end) for v, seq, end in zip(named, seqs, retired, strict=False)]


def _rotations(conn: Connection, seqs: list[int]) -> list[str]:
    from ...ledger.canonical import parse

    if not seqs:
        return []
    e = t.events.c
    rows = conn.execute(select(e.seq, e.payload).where(e.seq.in_(seqs)).order_by(e.seq)).all()
    return [parse(row.payload).get("statement", "") for row in rows]


def _open(note: bytes, keys: list[NamedKey]) -> Checkpoint:
    """The checkpoint, signed by a key the log named for its size: a retired key's signature
    on a later tree (or a newer key's on an older one) is refused."""
    text, signers = open_note(note, [k.verifier for k in keys])
    cp = Checkpoint.parse(text)
    if cp.origin != signers[0].name:
        raise NoteError(f"the checkpoint is for log '{cp.origin}', the key is for '{signers[0].name}'")
    signed = {str(v) for v in signers}
    rightful = [k for number, k in enumerate(keys) if k.signs(cp.size, number == 0)]
    if not any(str(k.verifier) in signed for k in rightful):
        by = ", ".join(sorted(signed))
        due = " or ".join(f"{k.verifier} (named by event #{k.named_at})" for k in rightful)
        raise NoteError(f"it signs {cp.size} events with {by}, a key the log does not name for that size; {due} does")
    return cp


def _found_checkpoints(
    conn: Connection,
    key_file: Path | None,
    extra: Iterable[tuple[str, bytes]],
    keys: list[NamedKey],
    result: Integrity,
) -> Iterable[Signed]:
    candidates: list[tuple[str, bytes | None]] = []
    stored = conn.execute(select(t.ledger_head.c.checkpoint).where(t.ledger_head.c.id == 1)).scalar_one()
    if stored is not None:
        candidates.append(("the database (ledger_head)", stored.encode()))
    if key_file is not None:
        # the checkpoints signed on commit, and as the witnesses cosigned them (services/log/witnessing.py)
        for path in (signing.checkpoint_file(key_file), key_file.with_name(key_file.name + ".cosigned")):
            last = notefile.last_note(path)
            if last is not None:
                candidates.append((f"{path} line {last[0]}", last[1]))
    candidates.extend(extra)
    for where, note in candidates:
        if note is None:
            result.problems.append(f"the checkpoint in {where} is not readable")
            continue
        try:
            yield Signed(where, _open(note, keys))
        except NoteError as exc:
            result.problems.append(f"the checkpoint in {where} is not signed by the log's key: {exc}")


def _coverage(conn: Connection, size: int, found: list[Signed], result: Integrity) -> None:
    """The log against each signed checkpoint; the events after the latest, named."""
    if not found:
        result.problems.append(
            f"no checkpoint signed by the log's key covers the log ({size} events): "
            "it was written without the key, or its checkpoints were removed"
        )
        _uncovered(conn, 0, size, result)
        return
    wanted = sorted({s.checkpoint.size for s in found if s.checkpoint.size <= size})
    roots = roots_at(conn, wanted)
    for signed in found:
        cp = signed.checkpoint
        if cp.size > size:
            result.problems.append(
                f"the checkpoint in {signed.where} signs {cp.size} events, the log holds {size}: "
                f"events #{size + 1} to #{cp.size} were removed"
            )
        elif roots[cp.size] != cp.root:
            result.problems.append(
                f"the first {cp.size} events do not give the root signed in {signed.where}: "
                "the history was rewritten since it was signed"
            )
    latest = max(s.checkpoint.size for s in found)
    result.signed_size = min(latest, size)
    if latest < size:
        _uncovered(conn, latest, size, result)


def roots_at(conn: Connection, sizes: list[int]) -> dict[int, bytes]:
    """The tree head at each of ``sizes``, from the events' stored hashes in one pass."""
    roots = {0: merkle.EMPTY_ROOT} if 0 in sizes else {}
    pending = [s for s in sorted(set(sizes)) if s > 0]
    cr = CompactRange()
    e = t.events.c
    last = 0
    while pending:
        rows = conn.execute(select(e.hash).where(e.seq > last, e.seq <= pending[-1]).order_by(e.seq).limit(65536))
        hashes = [row.hash for row in rows]
        if not hashes:
            break
        for leaf in merkle.leaf_hashes(map(bytes.fromhex, hashes)):
            cr.append(leaf)
            if cr.size == pending[0]:
                roots[pending.pop(0)] = cr.root()
        last += len(hashes)
    return roots


def _uncovered(conn: Connection, after: int, size: int, result: Integrity) -> None:
    shown = [
        f"#{e.seq} {e.type} on {e.stream_id} by {e.actor}"
        for _, e in zip(range(SHOWN), iter_events(conn, after=after, batch=SHOWN), strict=False)
    ]
    more = f" and {size - after - len(shown)} more" if size - after > len(shown) else ""
    result.problems.append(
        f"event(s) #{after + 1} to #{size} are covered by no signed checkpoint (written without the "
        f"signing key): {'; '.join(shown)}{more}"
    )
