"""A witness any party runs with its own key (C2SP tlog-witness): it keeps, per log, only the
latest checkpoint it cosigned (store/witness_state.py) and answers add-checkpoint.

Checking the old size and storing the new checkpoint happen under one lock that several
server processes on one state directory share, as the spec requires: otherwise two requests
could roll the witness back. It needs nothing from the log to keep working.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from ...domain.errors import InvalidInput
from ...ledger.cosignature import Cosigner, split_note
from ...ledger.note import Checkpoint, NoteError, Verifier
from ...ledger.witness import Answer, Refusal, decide, parse_submission
from ...store.witness_state import WitnessState


def origin_hash(origin: str) -> str:
    return hashlib.sha256(origin.encode()).hexdigest()


class Witness:
    def __init__(self, cosigner: Cosigner, logs: list[Verifier], state: Path, *, fsync: bool = False):
        self.cosigner = cosigner
        self.logs: dict[str, list[Verifier]] = {}
        for log in logs:
            self.logs.setdefault(log.name, []).append(log)
        self.state = WitnessState(state, fsync=fsync)

    def latest(self, origin_hex: str) -> str | None:
        return self.state.latest(origin_hex)

    def add_checkpoint(self, body: bytes) -> Answer:
        try:
            submission = parse_submission(body)
        except Refusal as refusal:
            return refusal.answer
        origin = submission.checkpoint.origin
        with self.state.claim(origin_hash(origin)) as held:
            latest = Checkpoint.parse(split_note(held.note.encode())[0]) if held.note is not None else None
            answer, keep = decide(submission, self.logs.get(origin, []), latest, self.cosigner, int(time.time()))
            if keep is not None:  # committed before the answer goes out
                held.keep(keep)
        return answer


def load_logs(vkeys: list[str]) -> list[Verifier]:
    out = []
    for vkey in vkeys:
        try:
            out.append(Verifier.parse(vkey))
        except NoteError as exc:
            raise InvalidInput("log", vkey, str(exc)) from None
    return out


def create_cosigner(path: Path, name: str) -> tuple[Cosigner, bool]:
    """The witness key at ``path``, created (0600) if there is none."""
    if path.exists():
        return load_cosigner(path), False
    cosigner = Cosigner.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"{cosigner}\n")
    return cosigner, True


def load_cosigner(path: Path) -> Cosigner:
    try:
        return Cosigner.parse(path.read_text())
    except OSError as exc:
        raise InvalidInput("key", str(path), f"cannot be read ({exc.strerror})") from None
    except NoteError as exc:
        raise InvalidInput("key", str(path), str(exc)) from None
