"""The OCDS export, judged by the standard's own validator (libcoveocds, offline)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from conftest import SHARED
from supplyline.cli.main import app
from supplyline.engines.interchange import ocds
from supplyline.engines.interchange.ocds import WITHHELD, Publication
from supplyline.services.access.public_view import DisclosurePolicy
from supplyline.services.interchange import opendata

OCDS = SHARED / "ocds"
PUBLICATION = Publication(
    ocid_prefix="ocds-splyln",
    uri="https://example.org/supplyline/ocds.json",
    publisher="NATO-NSATU",
    published=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    as_of=date(2026, 3, 1),
)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test output is for failures, not access logs
        pass


@pytest.fixture(scope="module")
def extensions_url():
    """The three extensions served over loopback, as libcoveocds refuses file:// URLs."""
    if not (OCDS / "standard-1__1__5.zip").exists():
        pytest.skip(f"the OCDS schema copies are not at {OCDS} (../shared/ocds)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(OCDS / "extensions")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def cove(package: dict, extensions_url: str, tmp_path) -> dict:
    """Run libcoveocds on a copy of ``package`` whose extension URLs point at the loopback server."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    local = dict(package)
    local["extensions"] = [f"{extensions_url}/{url.split('/')[-3]}/extension.json" for url in package["extensions"]]
    path = tmp_path / "release-package.json"
    path.write_text(ocds.dumps(local), encoding="utf-8")
    config = LibCoveOCDSConfig()
    config.config["standard_zip"] = (OCDS / "standard-1__1__5.zip").resolve().as_uri()
    config.config["context"] = "api"
    out = tmp_path / "cove"
    out.mkdir()
    return ocds_json_output(str(out), str(path), schema_version=None, convert=False, lib_cove_ocds_config=config)


def demo_package(demo_store) -> dict:
    with demo_store.read() as conn:
        return opendata.release_package(conn, PUBLICATION)


def test_demo_export_passes_libcoveocds(demo_store, extensions_url, tmp_path):
    package = demo_package(demo_store)
    result = cove(package, extensions_url, tmp_path)
    assert [e["url"] for e in result["extensions"]["extensions"]] == [
        f"{extensions_url}/{name}/extension.json"
        for name in (
            "ocds_budget_breakdown_extension",
            "ocds_exchangeRate_extension",
            "ocds_contract_completion_extension",
        )
    ]
    assert result["extensions"]["invalid_extension"] == {}
    assert result["validation_errors"] == []
    assert result["additional_fields"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert result["count"] == 7
    # the documents (issue 18), their types in the documentType codelist: no value outside it
    assert not [k for k in result.get("additional_open_codelist_values", {}) if "documentType" in k]
    nl = _release(package, "PKG-NL-1")["contracts"][0]["documents"]
    assert [(d["id"], d["documentType"], d["language"], d["format"]) for d in nl] == [
        ("DOC-0001", "contractSigned", "en", "application/pdf"),
        ("DOC-0002", "completionCertificate", "uk", "application/pdf"),
    ]
    assert "as recorded in the ledger's signed log" in nl[0]["description"]
    lot = _release(package, "PKG-DD-1")["contracts"][0]["implementation"]["documents"]
    assert [(d["id"], d["documentType"]) for d in lot] == [("DOC-0003", "physicalProgressReport")]
    assert "(attached to lot PO-DD-1-L001)" in lot[0]["description"]


def test_a_string_amount_is_caught_by_the_same_validation(demo_store, extensions_url, tmp_path):
    package = demo_package(demo_store)
    release = next(r for r in package["releases"] if r["ocid"] == "ocds-splyln-PKG-NL-1")
    release["contracts"][0]["value"]["amount"] = "488500000.00"
    result = cove(package, extensions_url, tmp_path)
    assert [(e["type"], e["path"]) for e in result["validation_errors"]] == [
        ("number", f"releases/{package['releases'].index(release)}/contracts/0/value/amount")
    ]


def _release(package: dict, package_id: str) -> dict:
    return next(r for r in package["releases"] if r["ocid"] == f"ocds-splyln-{package_id}")


def test_one_process_per_package_with_funders_budget_and_rates(demo_store):
    package = demo_package(demo_store)
    assert [r["ocid"] for r in package["releases"]] == [
        f"ocds-splyln-{p}"
        for p in ("PKG-CA-1", "PKG-CA-2", "PKG-DD-1", "PKG-DE-1", "PKG-DEC-1", "PKG-NL-1", "PKG-NORDIC-1")
    ]
    nl = _release(package, "PKG-NL-1")
    budget = nl["planning"]["budget"]
    assert budget["amount"] == {"amount": Decimal("558500000.00"), "currency": "USD"}
    first = budget["budgetBreakdown"][0]
    # the demo allocated USD to a EUR pledge: USD -> EUR at the rate the ledger recorded;
    # USD 492 M less the USD 12 M its contract's under-run gave back
    assert first["amount"]["amount"] == Decimal("480000000.00")
    assert first["amount"]["currency"] == "USD"
    assert first["amount"]["exchangeRates"] == [
        {"rate": Decimal("0.864304235091"), "currency": "EUR", "source": "market", "date": "2025-08-04T00:00:00Z"}
    ]
    assert first["sourceParty"] == {"id": "NL-GOV", "name": "Netherlands"}
    roles = {p["id"]: p["roles"] for p in nl["parties"]}
    assert roles == {
        "NL-GOV": ["funder", "payer", "sourceParty"],
        "UA-MOD": ["buyer"],
        "US-GOV": ["procuringEntity"],
        "US-PRIME-A": ["payee", "supplier"],
    }
    nordic = _release(package, "PKG-NORDIC-1")
    assert sorted(e["sourceParty"]["id"] for e in nordic["planning"]["budget"]["budgetBreakdown"]) == [
        "DK-GOV",
        "DK-GOV",
        "NO-GOV",
        "NO-GOV",
        "SE-GOV",
    ]


def test_milestones_transactions_and_completion(demo_store):
    package = demo_package(demo_store)
    contract = _release(package, "PKG-NL-1")["contracts"][0]
    milestones = contract["implementation"]["milestones"]
    statuses = {m["id"]: m["status"] for m in milestones if m["type"] == "delivery"}
    assert statuses == {
        "CT-NL-1-line-1-delivery-1": "met",
        "CT-NL-1-line-1-delivery-2": "scheduled",  # due 2026-02-28, rescheduled on 2026-02-20 to 2026-05-31
        "CT-NL-1-line-2-delivery-1": "met",
        "CT-NL-1-line-3-delivery-1": "partiallyMet",  # 296 of 300 arrived
    }
    # the PAC-3 line's serial-numbered items are under end-use monitoring: no status in public
    (end_use,) = (m for m in milestones if m["type"] == "assessment")
    assert (end_use["id"], end_use["dueDate"]) == ("CT-NL-1-line-1-end-use", "2026-03-02T00:00:00Z")
    assert "status" not in end_use and "PAC3" not in str(package) and "DEP-0" not in str(package)
    partial_ = next(m for m in milestones if m.get("status") == "partiallyMet")
    assert partial_["description"] == "296 of 300 units received; shipment SH-NL-2: 146 of 150 shipped arrived"
    # payments (issue 15 item 5): what the US paid its supplier out of the Netherlands' euros,
    # in EUR at the rate its transfer reached the seller (1 September 2025), the funder as payer
    payments = contract["implementation"]["transactions"]
    assert [(t["id"], t["date"][:10], t["value"]["amount"], t["value"]["currency"]) for t in payments] == [
        ("CT-NL-1-PL-NL-2025-08-7", "2025-11-03", Decimal("42771599.66"), "EUR"),
        ("CT-NL-1-PL-NL-2025-08-8", "2025-12-10", Decimal("205303678.36"), "EUR"),
    ]
    assert payments[0]["value"]["exchangeRates"][0]["currency"] == "USD"
    assert {(t["payer"]["id"], t["payee"]["id"]) for t in payments} == {("NL-GOV", "US-PRIME-A")}
    assert contract["status"] == "active" and "endDate" not in contract["implementation"]

    closed = _release(package, "PKG-NORDIC-1")
    assert closed["tender"]["status"] == "complete"
    for c in closed["contracts"]:
        assert c["status"] == "terminated"
        assert c["implementation"]["endDate"] == "2026-01-15T00:00:00Z"
        total = sum(t["value"]["amount"] for t in c["implementation"]["transactions"])
        assert c["implementation"]["finalValue"] == {"amount": total, "currency": "USD"}
    # what was paid: USD 320 M of CT-NORDIC-1's 360 M (Norway 85 M, Sweden 235 M), the stock draw's 150 M
    assert [c["implementation"]["finalValue"]["amount"] for c in closed["contracts"]] == [
        Decimal(320_000_000),
        Decimal(150_000_000),
    ]
    assert {
        t["payer"]["id"]: t["value"]["amount"] for t in closed["contracts"][0]["implementation"]["transactions"]
    } == {
        "NO-GOV": Decimal(85_000_000),
        "SE-GOV": Decimal(235_000_000),
    }


def test_withheld_fields_are_absent_and_listed(demo_store):
    package = demo_package(demo_store)
    text = ocds.dumps(package)
    assert "damaged in transit" not in text and "cleared for sale" not in text
    documents = {d["id"]: d["description"] for d in _release(package, "PKG-NL-1")["tender"]["documents"]}
    assert (
        "package_decisions.reason (1 record); package_steps.reason (2 records); shipments.note (2 records)"
        in documents["withheld-information"]
    )

    # a stricter policy: contract unit prices withheld; nothing derived from them is published either
    strict = DisclosurePolicy(frozenset({("contract_lines", "unit_price")}))
    with demo_store.read() as conn:
        stricter = opendata.release_package(conn, PUBLICATION, view=strict.view)
    contract = _release(stricter, "PKG-NL-1")["contracts"][0]
    assert "value" not in contract
    # payments are recorded amounts, not derived from the prices: they stay
    assert len(contract["implementation"]["transactions"]) == 2
    assert all("value" not in item.get("unit", {}) for item in contract["items"])
    documents = {d["id"]: d["description"] for d in _release(stricter, "PKG-NL-1")["tender"]["documents"]}
    assert "contract_lines.unit_price (3 records)" in documents["withheld-information"]
    assert WITHHELD not in ocds.dumps(stricter)


def test_numbers_are_written_exactly():
    assert ocds.dumps({"a": Decimal("0.864304235091"), "b": [Decimal("425237683.66")]}) == (
        '{\n  "a": 0.864304235091,\n  "b": [\n    425237683.66\n  ]\n}\n'
    )
    with pytest.raises(TypeError):
        ocds.dumps({"a": 0.1})


def test_cli_export_writes_the_package(demo_sqlite_url, tmp_path):
    out = tmp_path / "ocds.json"
    result = CliRunner().invoke(
        app,
        [
            "--db",
            demo_sqlite_url,
            "--as",
            "NATO-NSATU",
            "export",
            "ocds",
            str(out),
            "--as-of",
            "2026-03-01",
            "--ocid-prefix",
            "ocds-abc123",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(), parse_float=Decimal)
    assert data["publisher"] == {"name": "NATO Security Assistance and Training for Ukraine"}
    assert data["releases"][0]["ocid"] == "ocds-abc123-PKG-CA-1"
    assert data["releases"][5]["planning"]["budget"]["amount"]["amount"] == Decimal("558500000.00")
