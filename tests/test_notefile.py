"""The append-only note files (store/notefile.py): notes read back in order, and a writer whose
file another process cut back, or an operator removed, appends to the file now at the path."""

from __future__ import annotations

from supplyline.store import notefile
from supplyline.store.notefile import COMPACT_AT, NoteFile


def _notes(path) -> list[str]:
    return [note.decode() for _, note in notefile.read_notes(path) if note is not None]


def test_notes_are_read_back_in_order_and_the_newest_first(tmp_path):
    path = tmp_path / "log.checkpoints"
    writer = NoteFile(path)
    for i in range(3):
        writer.append(f"example.org/log\n{i}\nroot{i}\n\n\u2014 example.org/log sig{i}\n")
    assert [n.split("\n")[1] for n in _notes(path)] == ["0", "1", "2"]
    assert notefile.recent_notes(path)[0].decode().split("\n")[1] == "2"
    last = notefile.last_note(path)
    assert last is not None and last[0] == 3


def test_a_writer_follows_a_file_another_writer_cut_back(tmp_path):
    path = tmp_path / "log.checkpoints"
    first, second = NoteFile(path), NoteFile(path)
    first.append("note 1\n")
    big = "x" * (COMPACT_AT // 4) + "\n"
    for _ in range(3):  # past COMPACT_AT: the second writer cuts the file back to its last line
        second.append(big)
    assert _notes(path) == [big]
    second.append("note 2\n")
    first.append("note 3\n")  # its descriptor points at the file that was replaced
    assert _notes(path) == [big, "note 2\n", "note 3\n"]


def test_a_removed_file_is_written_again_at_its_path(tmp_path):
    path = tmp_path / "log.checkpoints"
    writer = NoteFile(path)
    writer.append("note 1\n")
    path.unlink()
    writer.append("note 2\n")
    assert _notes(path) == ["note 2\n"]
