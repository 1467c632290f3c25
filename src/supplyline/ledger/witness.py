"""A witness's decision on an ``add-checkpoint`` request (C2SP tlog-witness), without I/O.

The request is an ``old <size>`` line, up to 63 base64 consistency-proof lines, a blank line
and the checkpoint. The witness cosigns only a checkpoint signed by a key it trusts for its
origin that extends the latest one it cosigned for that origin; a client that sent the
wrong old size is told the right one (409, ``text/x.tlog.size``), so a log cannot walk a
witness back onto a fork.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cosignature import Cosigner, split_note
from .merkle import EMPTY_ROOT, ProofError, verify_consistency
from .note import Checkpoint, NoteError, Verifier, b64decode_strict, open_note

MAX_PROOF = 63
SIZE_TYPE = "text/x.tlog.size"
_OLD = re.compile(r"old (0|[1-9][0-9]*)")


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Submission:
    old: int
    proof: list[bytes]
    note: bytes
    checkpoint: Checkpoint


class Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.answer = Answer(status, message + "\n")


def parse_submission(body: bytes) -> Submission:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "the request is not UTF-8") from None
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise Refusal(400, "the request has no blank line before the checkpoint")
    lines = head.split("\n")
    match = _OLD.fullmatch(lines[0])
    if not match:
        raise Refusal(400, "the first line must be 'old <size>'")
    if len(lines) - 1 > MAX_PROOF:
        raise Refusal(400, f"more than {MAX_PROOF} consistency proof lines")
    try:
        proof = [b64decode_strict(line, "a proof line") for line in lines[1:]]
        checkpoint = Checkpoint.parse(split_note(note.encode())[0])
    except NoteError as exc:
        raise Refusal(400, str(exc)) from None
    if any(len(p) != 32 for p in proof):
        raise Refusal(400, "a proof line is not a 32-byte hash")
    return Submission(int(match.group(1)), proof, note.encode(), checkpoint)


def decide(
    submission: Submission, trusted: list[Verifier], latest: Checkpoint | None, cosigner: Cosigner, now: int
) -> tuple[Answer, str | None]:
    """The answer, and the note to keep as the latest for the origin (None: keep the old)."""
    cp = submission.checkpoint
    if not trusted:
        return Answer(404, f"unknown log '{cp.origin}'\n"), None
    try:
        text, _ = open_note(submission.note, trusted)
    except NoteError as exc:
        return Answer(403, f"{exc}\n"), None
    if submission.old > cp.size:
        return Answer(400, f"the old size {submission.old} exceeds the checkpoint's size {cp.size}\n"), None
    stored = latest.size if latest is not None else 0
    if submission.old != stored:
        return Answer(409, f"{stored}\n", SIZE_TYPE), None
    if cp.size == 0 and cp.root != EMPTY_ROOT:
        return Answer(422, "a checkpoint of size 0 must have the empty tree's root\n"), None
    if submission.old == 0:
        if submission.proof:
            return Answer(422, "no consistency proof is needed (or allowed) from size 0\n"), None
    elif latest is not None:
        try:
            verify_consistency(latest.size, cp.size, latest.root, cp.root, submission.proof)
        except ProofError as exc:
            return Answer(
                422, f"the checkpoint is not consistent with the one cosigned at size {stored}: {exc}\n"
            ), None
    line = cosigner.cosign(text, now)
    return Answer(200, line), submission.note.decode() + line
