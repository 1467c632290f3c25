"""A witness any party runs with its own key (C2SP tlog-witness): it keeps, per log, only the
latest checkpoint it cosigned, in a directory of small files, and answers add-checkpoint.

Checking the old size and storing the new checkpoint happen under one lock (a file lock, so
several server processes on one state directory agree), as the spec requires: otherwise two
requests could roll the witness back. It needs nothing from the log to keep working.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from pathlib import Path

from ...domain.errors import InvalidInput
from ...ledger.cosignature import Cosigner, split_note
from ...ledger.note import Checkpoint, NoteError, Verifier
from ...ledger.witness import Answer, Refusal, decide, parse_submission


def origin_hash(origin: str) -> str:
    return hashlib.sha256(origin.encode()).hexdigest()


class Witness:
    def __init__(self, cosigner: Cosigner, logs: list[Verifier], state: Path):
        self.cosigner = cosigner
        self.logs: dict[str, list[Verifier]] = {}
        for log in logs:
            self.logs.setdefault(log.name, []).append(log)
        self.state = state
        state.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def latest(self, origin_hex: str) -> str | None:
        path = self.state / origin_hex
        return path.read_text() if path.exists() else None

    def add_checkpoint(self, body: bytes) -> Answer:
        try:
            submission = parse_submission(body)
        except Refusal as refusal:
            return refusal.answer
        origin = submission.checkpoint.origin
        path = self.state / origin_hash(origin)
        with self._lock, open(self.state / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            latest = None
            if path.exists():
                latest = Checkpoint.parse(split_note(path.read_bytes())[0])
            answer, keep = decide(submission, self.logs.get(origin, []), latest, self.cosigner, int(time.time()))
            if keep is not None:  # persisted before the answer goes out
                tmp = path.with_name(f".{path.name}.{os.getpid()}")
                tmp.write_text(keep)
                os.replace(tmp, path)
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
