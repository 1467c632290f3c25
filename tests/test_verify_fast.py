"""`verify` after its speed-up: the fast pass and the full re-walk give the same verdicts,
and a changed, removed or reordered event is still named (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from conftest import OPERATOR
from supplyline.ledger.chain import joined, scan
from supplyline.services import bus
from supplyline.services.log import checks
from supplyline.services.records import parties
from supplyline.store.eventstore import read_head
from supplyline.store.verification import LogScan


@pytest.fixture
def ledger(store):
    for i in range(1, 8):
        bus.handle(store, OPERATOR, parties.RegisterParty(id=f"P-{i}", name=f"Party {i}", kind="company", country="NL"))
    return store


def tamper(store, *statements: str) -> None:
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER events_no_update"))
            conn.execute(text("DROP TRIGGER events_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER events_append_only ON events"))
        for sql in statements:
            conn.execute(text(sql))


def fast(store, batch: int = 3) -> bool:
    with store.read() as conn:
        return joined([scan(LogScan(conn, batch=batch).batches())], head=read_head(conn))


def test_an_intact_ledger_passes_in_any_batch_size(ledger):
    assert all(fast(ledger, batch) for batch in (1, 2, 3, 7, 100))
    for workers in (1, 2, 3):  # split across processes, each part on its own connection
        result = checks.verify_ledger(ledger, workers=workers)
        assert result.ok and result.checked == 7 and result.head_hash == read_head_of(ledger)[1]


def read_head_of(store):
    with store.read() as conn:
        return read_head(conn)


@pytest.mark.parametrize("workers", [1, 3])
def test_the_split_scan_names_the_same_first_bad_event(ledger, workers):
    tamper(
        ledger,
        "DELETE FROM events WHERE seq = 3",
        "UPDATE events SET body = replace(body, 'Party 6', 'Party Y') WHERE seq = 6",
    )
    finding = checks.verify_ledger(ledger, workers=workers).finding
    assert finding is not None
    assert finding.seq == 3 and finding.message == "event #3 is missing: the sequence jumps from 2 to 4"


def test_a_changed_payload_is_named(ledger):
    tamper(ledger, "UPDATE events SET body = replace(body, 'Party 4', 'Party X') WHERE seq = 4")
    assert not fast(ledger)
    finding = checks.verify_ledger(ledger).finding
    assert finding is not None
    assert finding.seq == 4 and "stored hash" in finding.message and "does not match its contents" in finding.message


def test_a_removed_event_is_named(ledger):
    tamper(ledger, "DELETE FROM events WHERE seq = 5")
    assert not fast(ledger)
    finding = checks.verify_ledger(ledger).finding
    assert finding is not None
    assert finding.seq == 5 and finding.message == "event #5 is missing: the sequence jumps from 4 to 6"


def test_a_cut_tail_is_named(ledger):
    tamper(ledger, "DELETE FROM events WHERE seq = 7")
    assert not fast(ledger)
    finding = checks.verify_ledger(ledger).finding
    assert finding is not None
    assert finding.seq == 7 and "the ledger head says 7 events were written, 6 are stored" in finding.message


def test_reordered_events_are_named(ledger):
    tamper(
        ledger,
        "UPDATE events SET seq = 100 WHERE seq = 3",
        "UPDATE events SET seq = 3 WHERE seq = 2",
        "UPDATE events SET seq = 2 WHERE seq = 100",
    )
    assert not fast(ledger)
    finding = checks.verify_ledger(ledger).finding
    assert finding is not None
    assert finding.seq == 2 and "does not link to the hash of event #1" in finding.message
