"""Append-only files of signed notes, one base64 line each: the checkpoints signed on commit
(beside the key) and the checkpoints as the witnesses cosigned them.

Why appended and not replaced: a note is written after every commit, and replacing a file by
rename costs a forced writeback of the new file on ext4 (``auto_da_alloc``: 0.4 ms typical,
4 ms at the 90th percentile on the benchmark's machine), where an append costs microseconds.
A file is cut back to its last line once it grows past ``COMPACT_AT``; a writer whose file
another process cut back (a new inode at the path) opens it again, so no note is appended
to a file nobody reads.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
from collections.abc import Iterator
from pathlib import Path

#: a file is cut back to its last line when it grows past this
COMPACT_AT = 1 << 20
#: how much of a file's end ``recent_notes`` reads: a few dozen notes
_TAIL = 1 << 14


class NoteFile:
    """Appends notes to one file, kept open across commits (one write per note)."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._lock = threading.Lock()

    def append(self, note: str) -> None:
        """The note on a line of its own, in the kernel's hands when this returns (an O_APPEND
        write: whole, even beside another process's). OSError when the file cannot be written.

        One ``fstat`` after the write tells both whether the file was cut back meanwhile (another
        process replaced the path, so the inode written has no link left: the note is written
        again, to the file now at the path) and whether it is time to cut it back."""
        line = base64.b64encode(note.encode()) + b"\n"
        with self._lock:
            if self._fd is None:
                self._fd = self._open()
            os.write(self._fd, line)
            st = os.fstat(self._fd)
            if st.st_nlink == 0:  # cut back by another process: append to the file at the path
                self.close_unlocked()
                self._fd = self._open()
                os.write(self._fd, line)
                st = os.fstat(self._fd)
            if st.st_size > COMPACT_AT:
                tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
                tmp.write_bytes(line)
                os.replace(tmp, self.path)
                self.close_unlocked()

    def _open(self) -> int:
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def close_unlocked(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def read_notes(path: Path) -> Iterator[tuple[int, bytes | None]]:
    """Each note in the file: (line number, note bytes or None when unreadable). A file that
    holds one note as text (as ``<key>.cosigned`` did before it was appended to) is that note."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    if b"\n\n" in data:  # a signed note's text: base64 lines never hold an empty line
        yield 1, data
        return
    for number, line in enumerate(data.splitlines(), start=1):
        yield number, _decode(line)


def last_note(path: Path) -> tuple[int, bytes | None] | None:
    """The file's last note and its line number (None: no file, or an empty one)."""
    last = None
    for item in read_notes(path):
        last = item
    return last


def recent_notes(path: Path) -> list[bytes]:
    """The notes at the file's end, newest first, read without reading the whole file (what a
    request for the published checkpoint needs: the notes of the last few commits)."""
    try:
        with open(path, "rb") as file:
            end = file.seek(0, os.SEEK_END)
            file.seek(max(0, end - _TAIL))
            data = file.read()
    except FileNotFoundError:
        return []
    if b"\n\n" in data and end <= _TAIL:
        return [data]
    lines = data.splitlines()
    if end > _TAIL:
        lines = lines[1:]  # the first line read is probably cut
    notes = (_decode(line) for line in reversed(lines))
    return [note for note in notes if note is not None]


def _decode(line: bytes) -> bytes | None:
    try:
        return base64.b64decode(line.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
