"""The log asks its witnesses to cosign each new checkpoint (C2SP tlog-witness, client side).

After each commit the new checkpoint goes to every witness of the policy file
(``SUPPLYLINE_WITNESS_POLICY``, tlog-policy format, witness lines with their URLs) with the
consistency proof from the size that witness last cosigned (learnt from its 409 answers).
The cosignatures gathered are published with the checkpoint: appended to ``<key>.cosigned``
(store/notefile.py: an append costs microseconds where replacing a file costs up to 4 ms). A
witness that does not answer within the timeout is skipped with a warning: the write is
already committed and signed, and a witness outage never holds a write back. The server
asks from a background thread (only the newest checkpoint waits); the CLI asks before it
exits.
"""

from __future__ import annotations

import http.client
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from ...ledger.cosignature import split_note
from ...ledger.note import Checkpoint, NoteError, b64
from ...ledger.policy import Policy, Witness
from ...store import merkle as tree
from ...store.eventstore import Store
from ...store.notefile import NoteFile, recent_notes
from .witness_http import WitnessLink

log = logging.getLogger("supplyline.witnessing")


def cosigned_file(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + ".cosigned")


def with_cosignatures(note: str, published: Path) -> str:
    """``note`` with the witnesses' cosignature lines published for exactly its checkpoint
    (the same text); unchanged when the witnesses have not cosigned it (yet)."""
    try:
        mine, own = split_note(note.encode())
    except NoteError:
        return note
    for cosigned in recent_notes(published):  # newest first: usually the first is the one
        try:
            text, lines = split_note(cosigned)
        except NoteError:
            continue
        if text == mine:
            return note + "".join(f"{line}\n" for line in lines if line not in own)
    return note


class Witnessing:
    def __init__(
        self, store: Store, policy: Policy, published: Path, *, timeout: float = 2.0, background: bool = False
    ):
        self.store = store
        self.witnesses = [w for w in policy.witnesses.values() if w.url]
        self.published = NoteFile(published)
        self.timeout = timeout
        self.known: dict[str, int] = {}  # the size each witness last cosigned, as far as we know
        self.warnings: list[str] = []
        self._links: dict[str, WitnessLink] = {}
        #: also told of each warning (the CLI prints them)
        self.told: list[Callable[[str], None]] = []
        self._background = background
        self._next: str | None = None
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, note: str) -> None:
        """``CommitSigner.on_commit``: have the witnesses cosign this checkpoint."""
        if not self._background:
            self.cosign(note)
            return
        with self._wake:
            self._next = note
            if self._thread is None:
                self._thread = threading.Thread(target=self._worker, name="supplyline-witnessing", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _worker(self) -> None:
        while True:
            with self._wake:
                while self._next is None:
                    self._wake.wait()
                note, self._next = self._next, None
            try:
                self.cosign(note)
            except Exception:  # a witness problem must never stop the log
                log.exception("asking the witnesses failed")

    def cosign(self, note: str) -> str:
        """Ask every witness at once; publish the note with the cosignatures that came back."""
        cp = Checkpoint.parse(split_note(note.encode())[0])
        lines: dict[str, str] = {}
        # all at once: the last one asked from this thread (one witness: no thread at all)
        threads = [
            threading.Thread(target=self._ask_into, args=(w, cp, note, lines), daemon=True) for w in self.witnesses[:-1]
        ]
        for thread in threads:
            thread.start()
        if self.witnesses:
            self._ask_into(self.witnesses[-1], cp, note, lines)
        for thread in threads:
            thread.join(self.timeout * 2.5)  # at most two requests and a proof each
        cosigned = note + "".join(lines[w.name] for w in self.witnesses if w.name in lines)
        if lines:
            try:
                self.published.append(cosigned)
            except OSError as exc:
                self._warn(f"could not publish the cosigned checkpoint in {self.published.path}: {exc}")
        return cosigned

    def _ask_into(self, witness: Witness, cp: Checkpoint, note: str, out: dict[str, str]) -> None:
        try:
            line = self.ask(witness, cp, note)
        except Exception as exc:  # reported, never raised into the write that triggered it
            line = None
            self._warn(f"witness {witness.name} failed: {exc}")
        if line is not None:
            out[witness.name] = line

    def ask(self, witness: Witness, cp: Checkpoint, note: str) -> str | None:
        """One witness's cosignature line on ``note``, or None (with a warning)."""
        for _ in range(2):  # a 409 tells the size to prove from: one retry
            old = self.known.get(witness.name, 0)
            if old > cp.size:
                self._warn(f"witness {witness.name} has cosigned size {old}, larger than this checkpoint ({cp.size})")
                return None
            proof = self._proof(old, cp)
            body = f"old {old}\n" + "".join(f"{b64(p)}\n" for p in proof) + "\n" + note
            status, text = self._post(witness, body.encode())
            if status == 200:
                line = next((ln for ln in text.split("\n") if _valid(witness, cp, ln)), None)
                if line is None:
                    self._warn(f"witness {witness.name} answered without a valid cosignature by its key")
                    return None
                self.known[witness.name] = cp.size
                return line + "\n"
            if status == 409 and text.strip().isdigit():
                self.known[witness.name] = int(text.strip())
                continue
            self._warn(f"witness {witness.name} refused the checkpoint of size {cp.size}: HTTP {status} {text.strip()}")
            return None
        return None

    def _proof(self, old: int, cp: Checkpoint) -> list[bytes]:
        """The consistency proof from ``old``: from the signer's memory of the last commits when
        it has them, else from the stored tree."""
        if not old:
            return []
        signer = self.store.signing
        proof = signer.consistency_proof(old, cp.size, cp.root) if signer is not None else None
        if proof is None:
            with self.store.read() as conn:
                proof = tree.consistency_proof(conn, old, cp.size)
        return proof

    def _post(self, witness: Witness, body: bytes) -> tuple[int, str]:
        link = self._links.get(witness.name)
        if link is None:
            link = self._links[witness.name] = WitnessLink(witness.url or "", self.timeout)
        try:
            return link.post(body)
        except (http.client.HTTPException, OSError) as exc:
            self._warn(
                f"witness {witness.name} is unreachable at {link.url} ({exc}): this checkpoint lacks its cosignature"
            )
            return 0, ""

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("%s", message)
        for tell in self.told:
            tell(message)


def _valid(witness: Witness, cp: Checkpoint, line: str) -> bool:
    try:
        return witness.key.timestamp_of(cp.text(), line) is not None
    except NoteError:
        return False
