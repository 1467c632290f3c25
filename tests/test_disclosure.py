"""Disclosure levels: withheld fields are committed in the hashed log, kept apart, replayed
for those entitled, revealed verifiably, and any later change or deletion is caught."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
import rfc8785
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import OPERATOR, event_count
from supplyline.cli.main import app
from supplyline.ledger import audit
from supplyline.ledger.chain import StoredEvent
from supplyline.ledger.disclosure import event_view, public_view
from supplyline.services import bus
from supplyline.services.log import checks
from supplyline.services.reads import queries
from supplyline.services.records import funding, parties
from supplyline.store import schema as t
from supplyline.store import withheld

runner = CliRunner()
SECRET_NOTE = "price agreed below list, do not publish"


def announce(store, **disclosure):
    bus.handle(store, OPERATOR, parties.RegisterParty(id="NL-GOV", name="Netherlands", kind="government", country="NL"))
    cmd = funding.AnnouncePledge(
        funder="NL-GOV",
        amount="12500000.00",
        currency="EUR",
        pledged_on="2025-09-01",
        mechanism="purl",
        note=SECRET_NOTE,
        id="PL-1",
        disclosure=disclosure or {"amount": "confidential@2027-01-01", "note": "parties"},
    )
    return bus.handle(store, OPERATOR, cmd).events[0]


def stored_event(conn, seq: int) -> StoredEvent:
    row = conn.execute(select(t.events).where(t.events.c.seq == seq)).one()
    return StoredEvent(*row)


def test_withheld_fields_are_commitments_in_the_log_and_values_beside_it(store):
    event = announce(store)
    payload = json.loads(event.payload)
    assert payload["funder"] == "NL-GOV" and payload["mechanism"] == "purl"
    assert set(payload["amount"]) == {"$withheld"} and set(payload["note"]) == {"$withheld"}
    assert payload["amount"]["$withheld"]["level"] == "confidential"
    assert payload["amount"]["$withheld"]["embargo"] == "2027-01-01"
    assert payload["note"]["$withheld"] == {
        "commitment": payload["note"]["$withheld"]["commitment"],
        "embargo": None,
        "level": "parties",
    }
    assert "12500000" not in event.payload and SECRET_NOTE not in event.payload
    with store.read() as conn:
        rows = {r.field: r for r in conn.execute(select(t.withheld_values).where(t.withheld_values.c.seq == event.seq))}
        pledge = queries.pledge(conn, "PL-1")
    assert set(rows) == {"amount", "note"}
    for field, row in rows.items():  # commitment = SHA-256(salt || canonical JSON of the value)
        value = json.loads(row.value)
        expected = hashlib.sha256(bytes.fromhex(row.salt) + rfc8785.dumps(value)).hexdigest()
        assert payload[field]["$withheld"]["commitment"] == expected
    assert json.loads(rows["amount"].value) == {"amount": "12500000.00", "currency": "EUR"}
    # projections and replay get the real values
    assert pledge["amount"] == "12500000.00" and pledge["note"] == SECRET_NOTE
    assert (
        bus.handle(store, OPERATOR, funding.CommitPledge(pledge_id="PL-1", on="2025-09-02")).events[0].type
        == "PledgeCommitted"
    )
    assert checks.verify_ledger(store).ok
    assert checks.check_projections(store) == []


def test_exports_can_list_every_withheld_field(store):
    from supplyline.services.access.withholding import Index

    event = announce(store)
    with store.read() as conn:
        found = Index(conn).fields
    assert {(f.stream_id, f.field, f.level, f.embargo, f.seq) for f in found} == {
        ("pledge:PL-1", "amount", "confidential", "2027-01-01", event.seq),
        ("pledge:PL-1", "note", "parties", None, event.seq),
    }


def test_who_sees_what_in_the_one_view_function(store):
    event = announce(store)
    with store.read() as conn:
        secrets = withheld.secrets_of(conn, [event.seq])[event.seq]
    public = public_view(event, secrets, on=date(2026, 6, 1))
    assert "revealed" not in public and SECRET_NOTE not in json.dumps(public)
    assert public["payload"] == json.loads(event.payload)  # what was hashed, unchanged
    party = event_view(event, secrets, sees={"public", "parties"}, on=date(2026, 6, 1))
    assert set(party["revealed"]) == {"note"} and party["revealed"]["note"]["value"] == SECRET_NOTE
    after_embargo = public_view(event, secrets, on=date(2027, 1, 1))
    assert set(after_embargo["revealed"]) == {"amount"}
    assert after_embargo["revealed"]["amount"]["value"] == {"amount": "12500000.00", "currency": "EUR"}
    everything = event_view(event, secrets, sees={"public", "parties", "confidential"}, on=date(2026, 6, 1))
    assert set(everything["revealed"]) == {"amount", "note"}


def _tamper(store, sql: str, params: dict) -> None:
    from sqlalchemy import text

    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER withheld_values_no_update"))
            conn.execute(text("DROP TRIGGER withheld_values_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER withheld_values_append_only ON withheld_values"))
        conn.execute(text(sql), params)


def test_the_database_refuses_to_change_a_withheld_value(store):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    announce(store)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE withheld_values SET value = '\"x\"'"))


def test_verify_names_the_event_whose_withheld_value_was_changed(store):
    event = announce(store)
    _tamper(
        store,
        "UPDATE withheld_values SET value = :v WHERE seq = :s AND field = 'amount'",
        {"v": '{"amount":"1.00","currency":"EUR"}', "s": event.seq},
    )
    result = checks.verify_ledger(store)
    assert result.finding is not None and result.finding.seq == event.seq
    assert result.finding.message == (
        f"event #{event.seq} (PledgeAnnounced on pledge:PL-1): the value of field 'amount' does not match its "
        f"commitment ({json.loads(event.payload)['amount']['$withheld']['commitment'][:16]}…) (changed after the fact)"
    )


def test_verify_names_the_event_whose_withheld_value_was_deleted(store):
    event = announce(store)
    _tamper(store, "DELETE FROM withheld_values WHERE seq = :s AND field = 'note'", {"s": event.seq})
    result = checks.verify_ledger(store)
    assert result.finding is not None
    assert result.finding.seq == event.seq
    assert "the withheld value of field 'note' is missing (deleted after the fact)" in result.finding.message


def test_cli_verify_exit_code_names_the_event(demo_sqlite_url, demo_store):
    result = runner.invoke(
        app,
        [
            "--db",
            demo_sqlite_url,
            "pledge",
            "announce",
            "--funder",
            "NL-GOV",
            "--amount",
            "7000000",
            "--currency",
            "EUR",
            "--date",
            "2025-10-01",
            "--mechanism",
            "purl",
            "--id",
            "PL-SECRET",
            "--disclose",
            "amount=confidential",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    seq = json.loads(result.output)["events"][0]["seq"]
    assert runner.invoke(app, ["--db", demo_sqlite_url, "verify"]).exit_code == 0
    _tamper(demo_store, "UPDATE withheld_values SET salt = :salt WHERE seq = :s", {"salt": "00" * 32, "s": seq})
    failed = runner.invoke(app, ["--db", demo_sqlite_url, "verify"])
    assert failed.exit_code == 1
    output = " ".join(failed.output.split())
    assert f"event #{seq} (PledgeAnnounced on pledge:PL-SECRET): the value of field 'amount' does not match" in output


@pytest.mark.parametrize(
    "disclose, message",
    [
        ("price=confidential", "disclose[0]: a pledge can withhold only: funder, amount"),
        ("amount=secret", "the disclosure level of 'amount' must be one of public, parties, confidential"),
        ("amount=public@2027-01-01", "an embargo keeps a withheld field until a date"),
        ("amount=parties@2027-13-01", "disclose[0].embargo"),
        ("amount", "expected FIELD=LEVEL[@EMBARGO]"),
    ],
)
def test_bad_disclosure_is_refused_and_writes_nothing(demo_sqlite_url, demo_store, disclose, message):
    before = event_count(demo_store)
    result = runner.invoke(
        app,
        [
            "--db",
            demo_sqlite_url,
            "pledge",
            "announce",
            "--funder",
            "NL-GOV",
            "--amount",
            "1000",
            "--currency",
            "EUR",
            "--date",
            "2025-10-01",
            "--mechanism",
            "purl",
            "--disclose",
            disclose,
        ],
    )
    assert result.exit_code == 2 and message in result.output, result.output
    assert event_count(demo_store) == before


@pytest.fixture
def revealed(demo_sqlite_url, tmp_path):
    def run(*args):
        result = runner.invoke(app, ["--db", demo_sqlite_url, *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("init")
    out = run(
        "pledge",
        "announce",
        "--funder",
        "DE-GOV",
        "--amount",
        "4321000.50",
        "--currency",
        "EUR",
        "--date",
        "2025-10-01",
        "--mechanism",
        "purl",
        "--id",
        "PL-DE-X",
        "--note",
        SECRET_NOTE,
        "--disclose",
        "amount=confidential@2030-01-01",
        "--disclose",
        "note=parties",
        "--json",
    )
    seq = json.loads(out)["events"][0]["seq"]
    (tmp_path / "reveal.json").write_text(run("reveal", str(seq), "amount"))
    (tmp_path / "proof.json").write_text(run("proof", "inclusion", str(seq)))
    (tmp_path / "cp").write_text(run("checkpoint"))
    return {"seq": seq, "dir": tmp_path, "key": run("key", "export").strip()}


def test_a_reveal_is_checked_against_the_signed_log(revealed):
    d = revealed["dir"]
    doc = json.loads((d / "reveal.json").read_text())
    assert doc["reveal"]["field"] == "amount" and doc["reveal"]["value"] == {"amount": "4321000.50", "currency": "EUR"}
    ok = runner.invoke(
        app, ["audit", "reveal", str(d / "reveal.json"), "--checkpoint", str(d / "cp"), "--key", revealed["key"]]
    )
    assert ok.exit_code == 0, ok.output
    assert f"field 'amount' revealed is in the tree of size {revealed['seq']}" in ok.output.replace("\n", " ")
    # the proof handed to the public carries commitments only
    proof = (d / "proof.json").read_text()
    assert "4321000.50" not in proof and SECRET_NOTE not in proof and "revealed" not in proof
    assert runner.invoke(app, ["audit", "inclusion", str(d / "proof.json")]).exit_code == 0
    assert runner.invoke(app, ["audit", "reveal", str(d / "proof.json")]).exit_code == 1


def test_every_flipped_byte_of_a_revealed_value_is_caught(revealed):
    d = revealed["dir"]
    raw = (d / "reveal.json").read_bytes()
    start = raw.index(b'"reveal":')
    checked = 0
    for i in range(start, len(raw)):
        bad = raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :]
        with pytest.raises(audit.AuditFailed):
            audit.audit_reveal(bad)
        checked += 1
    assert checked > 100
    value_at = raw.index(b"4321000.50")
    (d / "bad.json").write_bytes(raw[:value_at] + b"4321000.51" + raw[value_at + 10 :])
    bad = runner.invoke(app, ["audit", "reveal", str(d / "bad.json")])
    assert bad.exit_code == 1
    assert "INVALID: revealed value: the value of field 'amount' does not match its commitment" in bad.output


def test_every_flipped_byte_of_a_proof_file_is_caught(revealed):
    """Proof files are canonical JSON: every byte is significant."""
    raw = (revealed["dir"] / "proof.json").read_bytes()
    assert audit.audit_inclusion(raw)
    for i in range(len(raw)):
        bad = raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :]
        with pytest.raises(audit.AuditFailed):
            audit.audit_inclusion(bad)
    proof_at = raw.index(b'"proof":["') + 10
    path = revealed["dir"] / "bad.json"
    other = b"B" if raw[proof_at : proof_at + 1] == b"A" else b"A"  # still base64, another hash
    path.write_bytes(raw[:proof_at] + other + raw[proof_at + 1 :])
    result = runner.invoke(app, ["audit", "inclusion", str(path)])
    assert result.exit_code == 1
    assert "INVALID: the inclusion proof for leaf" in result.output


def test_the_public_log_hides_withheld_values_and_checks_against_the_checkpoint(revealed, demo_sqlite_url):
    d = revealed["dir"]
    log = d / "log.jsonl"
    assert runner.invoke(app, ["--db", demo_sqlite_url, "publish", "events", str(log)]).exit_code == 0
    text = log.read_text()
    assert SECRET_NOTE not in text and "4321000.50" not in text
    lines = text.splitlines()
    assert len(lines) == revealed["seq"] and json.loads(lines[-1])["payload"]["note"]["$withheld"]["level"] == "parties"
    args = ["--checkpoint", str(d / "cp"), "--key", revealed["key"]]
    ok = runner.invoke(app, ["audit", "log", str(log), *args])
    assert ok.exit_code == 0 and f"the first {revealed['seq']} give the signed root" in ok.output

    (d / "cut.jsonl").write_text("\n".join(lines[:5] + lines[6:]) + "\n")
    cut = runner.invoke(app, ["audit", "log", str(d / "cut.jsonl"), *args])
    assert cut.exit_code == 1 and "the event is #7, but the proof is for leaf 5 (event #6)" in cut.output

    changed = lines[:]
    changed[9] = changed[9].replace('"via":"demo"', '"via":"demx"')
    (d / "changed.jsonl").write_text("\n".join(changed) + "\n")
    bad = runner.invoke(app, ["audit", "log", str(d / "changed.jsonl"), *args])
    assert bad.exit_code == 1 and "do not hash to its stated hash" in bad.output

    (d / "short.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    short = runner.invoke(app, ["audit", "log", str(d / "short.jsonl"), *args])
    assert short.exit_code == 1 and f"the checkpoint signs {revealed['seq']} events, the log holds" in short.output


def test_the_payload_keys_repeats_are_found_by_are_never_withheld():
    """A record is found through an index on its id in the stored payload: an id that could
    be sealed there would hide the repetition, so no table row may name one as a field."""
    from supplyline.domain import disclosure_table as table
    from supplyline.store.event_fields import REFERENCE_KEYS

    linked = {
        (repeat.event_type, theirs)
        for record in table.TABLE.values()
        for found in record.fields.values()
        for repeat in found.repeated_in
        for theirs, _ in repeat.link
        if theirs in REFERENCE_KEYS
    }
    assert ("PackageLineAdded", "requirement_id") in linked and ("ContractSigned", "package_id") in linked
    assert [pair for pair in sorted(linked) if pair[1] in table.TABLE[pair[0]].fields] == []
