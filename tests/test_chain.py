"""The hash chain, tested on its own: what verification catches and what it names."""

import hashlib
from dataclasses import replace

from supplyline.ledger.canonical import canonical
from supplyline.ledger.chain import GENESIS, StoredEvent, event_hash, verify


def make_log(n: int) -> list[StoredEvent]:
    log, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = (
            seq,
            f"pledge:P{seq % 3}",
            seq,
            f"2026-01-01T00:00:{seq:02d}.000000Z",
            "operator",
            "PledgeAnnounced",
            canonical({"via": "test"}),
            canonical({"amount": {"amount": str(seq), "currency": "EUR"}}),
            prev,
        )
        h = event_hash(*fields)
        log.append(StoredEvent(*fields, h))
        prev = h
    return log


def test_intact_log_verifies_and_reports_head():
    log = make_log(5)
    result = verify(log, head=(5, log[-1].hash))
    assert result.ok and result.checked == 5 and result.head_hash == log[-1].hash


def test_changed_payload_byte_is_named():
    log = make_log(5)
    log[2] = replace(log[2], payload=log[2].payload.replace('"3"', '"4"'))
    result = verify(log)
    assert result.finding is not None
    assert result.finding.seq == 3
    assert "event #3 (PledgeAnnounced on pledge:P0): stored hash" in result.finding.message


def test_whitespace_added_to_payload_is_caught_although_json_is_equal():
    log = make_log(3)
    log[0] = replace(log[0], payload=log[0].payload.replace(":", ": ", 1))
    finding = verify(log).finding
    assert finding is not None and finding.seq == 1


def test_changed_hash_is_named_at_that_event():
    log = make_log(4)
    log[1] = replace(log[1], hash="f" + log[1].hash[1:])
    finding = verify(log).finding
    assert finding is not None and finding.seq == 2


def test_removed_event_is_named():
    log = make_log(5)
    del log[2]
    result = verify(log)
    assert result.finding is not None
    assert result.finding.seq == 3
    assert "event #3 is missing: the sequence jumps from 2 to 4" in result.finding.message


def test_reordered_contents_are_named():
    log = make_log(5)
    a, b = log[1], log[2]
    log[1] = replace(b, seq=2)
    log[2] = replace(a, seq=3)
    finding = verify(log).finding
    assert finding is not None and finding.seq == 2


def test_cut_tail_is_caught_by_the_head():
    log = make_log(5)
    result = verify(log[:4], head=(5, log[-1].hash))
    assert result.finding is not None
    assert result.finding.seq == 5
    assert "the ledger head says 5 events were written, 4 are stored" in result.finding.message


def test_an_event_is_read_back_from_its_hash_input_and_damage_stays_detectable():
    from supplyline.ledger.chain import from_hash_input, hash_input, hash_of

    fields = (
        7,
        "pledge:PL-1",
        2,
        "2026-01-01T00:00:00.000000Z",
        "operator",
        "PledgeAmended",
        '{"via":"cli"}',
        '{"note":"caf\u00e9 \\\\n \\"x\\""}',
        "ab" * 32,
    )
    text = hash_input(*fields).decode()
    digest = hashlib.sha256(text.encode()).hexdigest()
    event = from_hash_input(7, text, digest)
    assert (event.seq, event.stream_id, event.stream_version, event.type, event.payload, event.prev_hash) == (
        7,
        "pledge:PL-1",
        2,
        "PledgeAmended",
        '{"note":"caf\u00e9 \\\\n \\"x\\""}',
        "ab" * 32,
    )
    assert hash_of(event) == digest
    damaged = from_hash_input(7, text.replace("\n", " ", 1), digest)
    assert damaged.type == "unreadable event" and hash_of(damaged) != digest
