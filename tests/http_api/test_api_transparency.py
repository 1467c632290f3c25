"""The transparency log over HTTP, checked as an outsider would: with the published key and
the offline audits, never trusting the server. Withheld values reach only those entitled."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app as cli
from supplyline.ledger import audit
from supplyline.ledger.note import Verifier, open_checkpoint
from supplyline.settings import Settings

from .scenario import events_in

V1 = "/api/v1"


def test_checkpoints_and_proofs_pass_the_offline_audits(client, api_store):
    verifier = Verifier.parse(client.get(f"{V1}/log/key").text.strip())
    assert str(verifier).startswith("api.test/ledger+")
    note = client.get(f"{V1}/log/checkpoint").content
    head = open_checkpoint(note, verifier)
    assert head.size == events_in(api_store)
    older = client.get(f"{V1}/log/checkpoint?size=20&time=true").content
    assert open_checkpoint(older, verifier).size == 20 and re.search(rb"\ntime \d{4}-\d\d-\d\dT", older)

    proof = client.get(f"{V1}/log/events/12/inclusion").content
    # each audit raises AuditFailed unless valid, and says what it checked
    assert audit.audit_inclusion(proof, verifier=verifier, checkpoint=note).startswith("event #12 (")
    by_hash = json.loads(proof)["event"]["hash"]
    assert client.get(f"{V1}/log/events/{by_hash}/inclusion").content == proof

    consistency = client.get(f"{V1}/log/consistency?old_size=20").content
    assert audit.audit_checkpoints(older, note, verifier=verifier, proof=consistency) == (
        f"the checkpoint of size {head.size} extends the one of size 20"
    )
    assert json.loads(consistency)["size2"] == head.size

    # the same bytes as `supplyline proof inclusion`: one service function, two interfaces
    url = api_store.engine.url.render_as_string(hide_password=False)
    assert CliRunner().invoke(cli, ["--db", url, "proof", "inclusion", "12"]).stdout_bytes == proof

    too_big = client.get(f"{V1}/log/checkpoint?size={head.size + 1}")
    assert (too_big.status_code, too_big.json()["field"]) == (422, "size")
    assert client.get(f"{V1}/log/events/999999/inclusion").status_code == 404
    assert client.get(f"{V1}/log/consistency?old_size=30&new_size=20").json()["field"] == "old_size"


def test_the_public_log_walks_the_whole_log_to_the_signed_root_and_holds_no_withheld_value(client, api_store):
    verifier = Verifier.parse(client.get(f"{V1}/log/key").text.strip())
    note = client.get(f"{V1}/log/checkpoint").content
    lines, cursor = [], None
    while True:
        page = client.get(f"{V1}/log/events", params={"limit": 40, **({"cursor": cursor} if cursor else {})}).json()
        lines += [json.dumps(view).encode() for view in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(lines) == events_in(api_store)
    assert audit.audit_log(lines, verifier=verifier, checkpoint=note) == (
        f"{len(lines)} events rehash and chain; the first {len(lines)} give the signed root"
    )
    text = b"\n".join(lines).decode()
    assert "note-of-pledge-A2" not in text and "title-of-package-A-PROP" not in text
    # the title withheld until an embargo that has passed is revealed to everyone
    drafted = [json.loads(line) for line in lines if b'"PKG-A-DRAFT"' in line and b"PackageDrafted" in line]
    assert drafted[0]["revealed"]["title"]["value"] == "draft package A"


def test_a_withheld_field_is_revealed_to_whom_its_level_names(client, scenario):
    note_event = scenario.first_seq["pledge:PLEDGE-A2"]
    title_event = scenario.first_seq["package:PKG-A-PROP"]
    verifier = Verifier.parse(client.get(f"{V1}/log/key").text.strip())
    checkpoint = client.get(f"{V1}/log/checkpoint").content

    revealed = client.get(f"{V1}/log/events/{note_event}/fields/note", headers=scenario.headers("funder"))
    assert revealed.status_code == 200
    assert (revealed.json()["reveal"]["field"], revealed.json()["reveal"]["value"]) == ("note", "note-of-pledge-A2")
    assert "field 'note' revealed" in audit.audit_reveal(revealed.content, verifier=verifier, checkpoint=checkpoint)

    refused = client.get(f"{V1}/log/events/{note_event}/fields/note", headers=scenario.headers("funder", "other"))
    assert refused.status_code == 403 and "note-of-pledge-A2" not in refused.text
    assert (
        refused.json()["detail"]
        == f"field 'note' of event #{note_event} is confidential: FUND-B acting as funder may not see it"
    )
    # a package's recipient sees its parties-level title, a funder that does not fund it does not
    assert (
        client.get(f"{V1}/log/events/{title_event}/fields/title", headers=scenario.headers("recipient")).json()[
            "reveal"
        ]["value"]
        == "title-of-package-A-PROP"
    )
    assert (
        client.get(f"{V1}/log/events/{title_event}/fields/title", headers=scenario.headers("funder")).status_code == 403
    )

    not_withheld = client.get(f"{V1}/log/events/{note_event}/fields/amount", headers=scenario.headers("auditor"))
    assert (not_withheld.status_code, not_withheld.json()["field"]) == (422, "field")
    assert "(withheld: note)" in not_withheld.json()["detail"]
    assert client.get(f"{V1}/log/events/999999/fields/note", headers=scenario.headers("auditor")).status_code == 404
    assert (
        client.get(
            f"{V1}/log/events/{note_event}/fields/note", headers={"Authorization": "Bearer slk_nope"}
        ).status_code
        == 401
    )


def test_without_a_signing_key_the_server_says_so_without_saying_where(api_store, tmp_path):
    missing = tmp_path / "nowhere" / "ledger.key"
    with TestClient(create_app(api_store, Settings(signing_key=str(missing)))) as client:
        answer = client.get(f"{V1}/log/checkpoint")
        proof = client.get(f"{V1}/log/events/3/inclusion")
    assert answer.status_code == 503 and answer.json()["type"] == "urn:supplyline:problem:signing-key-unavailable"
    assert str(tmp_path) not in answer.text
    assert proof.status_code == 200  # proofs need no key: only the tree


def test_a_write_withholds_the_fields_it_names_from_the_log(client, scenario, api_store):
    funder = scenario.headers("funder")
    pledge = {
        "funder": "FUND-A",
        "amount": "2500.00",
        "currency": "USD",
        "pledged_on": "2025-12-01",
        "mechanism": "purl",
        "note": "kept-from-the-public",
        "disclose": {"note": "confidential", "amount": "parties@2027-01-01"},
    }
    created = client.post(f"{V1}/pledges", headers=funder, json=pledge)
    assert created.status_code == 201, created.text
    [event] = created.json()["events"]
    view = client.get(f"{V1}/log/events/{event['seq']}/inclusion").json()["event"]
    assert view["payload"]["note"]["$withheld"]["level"] == "confidential"
    assert view["payload"]["amount"]["$withheld"]["embargo"] == "2027-01-01"
    assert "kept-from-the-public" not in json.dumps(view) and "revealed" not in view
    # the projection holds the real values for whoever may read the pledge
    assert client.get(f"{V1}/pledges/{created.json()['id']}", headers=funder).json()["note"] == "kept-from-the-public"
    revealed = client.get(f"{V1}/log/events/{event['seq']}/fields/amount", headers=funder).json()["reveal"]
    assert revealed["value"] == {"amount": "2500.00", "currency": "USD"}

    before = events_in(api_store)
    refused = client.post(f"{V1}/pledges", headers=funder, json={**pledge, "disclose": {"id": "confidential"}})
    assert (refused.status_code, refused.json()["field"]) == (422, "disclose.id")
    malformed = client.post(f"{V1}/pledges", headers=funder, json={**pledge, "disclose": {"note": "secret"}})
    assert (malformed.status_code, malformed.json()["field"]) == (422, "disclose.note")
    assert events_in(api_store) == before
