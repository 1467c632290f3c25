"""Files in and out over HTTP: imports as uploads (all or nothing, or the rejected rows in
the answer), each row the caller's own, sizes and formats judged by the bytes; the OCDS
export and report files exactly as the CLI writes them."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app as cli
from supplyline.services import bus
from supplyline.services.context import Actor
from supplyline.services.interchange import kiel
from supplyline.services.reads import queries, reports
from supplyline.services.records import parties
from supplyline.store import schema as t

from .scenario import KIEL_HEADER, events_in

V1 = "/api/v1"
PLEDGE_HEADER = "funder,amount,currency,pledged_on,mechanism,note\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, path: str, headers: dict, name: str, content: bytes | str, **form):
    content = content.encode() if isinstance(content, str) else content
    files = {"file": (name, content)}
    for field in ("mapping", "release_info"):
        if field in form:
            files[field] = form.pop(field)
    return client.post(
        V1 + path,
        files=files,
        data={k: str(v).lower() if isinstance(v, bool) else v for k, v in form.items()},
        headers=headers,
    )


def test_a_funder_imports_its_pledges_and_the_same_file_again_writes_nothing(client, scenario, api_store):
    funder = scenario.headers("funder")
    rows = (
        PLEDGE_HEADER + "FUND-A,750.00,USD,2025-12-01,purl,first\nFUND-A,EUR 1.250,EUR,2025-12-02,drone_deal,second\n"
    )
    before = events_in(api_store)
    first = upload(client, "/imports/pledges", funder, "zusagen.csv", rows, commit=True)
    assert first.status_code == 200, first.text
    answer = first.json()
    assert (answer["source"], answer["rows"], answer["unchanged"], answer["rejected"], answer["reject_file"]) == (
        "zusagen.csv",
        2,
        [],
        [],
        None,
    )
    assert answer["events"] == 4 and events_in(api_store) == before + 4  # announced and committed, each
    with api_store.read() as conn:
        recorded = [queries.pledge(conn, pid) for pid in answer["recorded"]]
        metas = [json.loads(m) for m in conn.execute(select(t.events.c.meta).where(t.events.c.seq > before)).scalars()]
    assert [(p["funder"], p["amount"], p["amount_currency"], p["state"], p["note"]) for p in recorded] == [
        ("FUND-A", "750.00", "USD", "committed", "first"),
        ("FUND-A", "1.25", "EUR", "committed", "second"),
    ]
    digest = __import__("hashlib").sha256(rows.encode()).hexdigest()
    assert {(m["via"], m["token"], m["import"]["file"], m["import"]["sha256"]) for m in metas} == {
        ("api", scenario.token_ids["funder", "own"], "zusagen.csv", digest)
    }

    again = upload(client, "/imports/pledges", funder, "zusagen.csv", rows, commit=True).json()
    assert (again["recorded"], again["unchanged"], again["events"]) == ([], answer["recorded"], 0)
    assert events_in(api_store) == before + 4


def test_any_invalid_row_writes_nothing_and_every_problem_is_named(client, scenario, api_store):
    rows = (
        PLEDGE_HEADER + "FUND-A,100,USD,2025-12-01,purl,\nFUND-A,abc,USD,2025-12-01,purl,\n"
        "FUND-A,100,USD,2025-13-01,purl,\nFUND-A,100,USD,2025-12-03,lend_lease,\n"
    )
    before = events_in(api_store)
    refused = upload(client, "/imports/pledges", scenario.headers("funder"), "p.csv", rows)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["type"], problem["field"]) == ("urn:supplyline:problem:invalid-file", "file")
    assert "3 problem(s); nothing was written" in problem["detail"]
    assert [(e["field"], e["row"], e["column"], e["value"]) for e in problem["errors"]] == [
        ("file", 3, "amount", "abc"),
        ("file", 4, "pledged_on", "2025-13-01"),
        ("file", 5, "mechanism", "lend_lease"),
    ]
    assert events_in(api_store) == before

    columns = upload(
        client, "/imports/pledges", scenario.headers("funder"), "p.csv", "funder,amount,colour\nFUND-A,1,red\n"
    )
    assert columns.status_code == 422
    assert [(e["column"], e["message"][:40]) for e in columns.json()["errors"]] == [
        ("colour", "is not a column this import reads (it re"),
        (None, "the required column 'pledged_on' (pledge"),
        (None, "the required column 'mechanism' (mechani"),
    ]
    assert events_in(api_store) == before


def test_skip_invalid_answers_the_rejected_rows_as_a_reject_file(client, scenario, api_store):
    rows = PLEDGE_HEADER + "FUND-A,100,USD,2025-12-01,purl,good\nFUND-A,abc,USD,2025-12-01,purl,bad\n"
    before = events_in(api_store)
    answer = upload(
        client, "/imports/pledges", scenario.headers("coordinator"), "p.csv", rows, skip_invalid=True
    ).json()
    assert (len(answer["recorded"]), answer["events"]) == (1, 1) and events_in(api_store) == before + 1
    assert answer["rejected"] == [
        {
            "sheet": None,
            "row": 3,
            "column": "amount",
            "value": "abc",
            "reason": "is not a number",
        }
    ]
    rejects = answer["reject_file"]
    assert (rejects["filename"], rejects["media_type"]) == ("p.rejects.csv", "text/csv")
    lines = list(csv.reader(base64.b64decode(rejects["content_base64"]).decode("utf-8-sig").splitlines()))
    assert lines == [
        ["funder", "amount", "currency", "pledged_on", "mechanism", "note", "supplyline_errors"],
        ["FUND-A", "abc", "USD", "2025-12-01", "purl", "bad", "amount: is not a number"],
    ]


def test_a_dry_run_answers_what_would_be_recorded_skipped_rounded_and_refused(client, scenario, api_store):
    rows = PLEDGE_HEADER + "FUND-A,100.005,USD,2025-12-01,PURL,good\nFUND-A,0,USD,2025-12-01,purl,zero\n"
    rows += "FUND-A,5,USD,2025-12-01,lend-lease,bad\n"
    mapping = ("m.yaml", b"rounding: half_even\nskip_when: [{field: amount, is: zero}]\n")
    before = events_in(api_store)
    files = {"file": ("p.csv", rows.encode()), "mapping": mapping}
    dry = client.post(
        f"{V1}/imports/pledges?dry_run=true",
        files=files,
        data={"skip_invalid": "true"},
        headers=scenario.headers("coordinator"),
    )
    assert dry.status_code == 200, dry.text
    answer = dry.json()
    assert (answer["dry_run"], answer["recorded"], answer["events"], answer["refused_rows"]) == (
        True,
        ["(row 2)"],
        1,
        1,
    )
    assert answer["skipped"] == {"amount is zero": 1} and answer["reject_file"] is None
    assert answer["rounded"] == [{"row": 2, "field": "amount", "from": "100.005", "to": "100.00"}]
    assert [(p["row"], p["column"]) for p in answer["rejected"]] == [(4, "mechanism")]
    assert events_in(api_store) == before


def test_a_funder_may_not_import_another_funders_pledges_nor_probe_their_ids(client, scenario, api_store):
    before = events_in(api_store)
    foreign = upload(
        client,
        "/imports/pledges",
        scenario.headers("funder"),
        "p.csv",
        PLEDGE_HEADER + "FUND-A,1,USD,2025-12-01,purl,\nFUND-B,2,USD,2025-12-01,purl,\nFUND-C,3,USD,2025-12-01,purl,\n",
    )
    assert foreign.status_code == 403
    assert [(e["row"], e["column"], e["value"]) for e in foreign.json()["errors"]] == [
        (3, "funder", "FUND-B"),
        (4, "funder", "FUND-C"),
    ]
    # an id of another funder's pledge: refused as taken, never compared with (nor shown) its values
    taken = upload(
        client,
        "/imports/pledges",
        scenario.headers("funder"),
        "p.csv",
        "id," + PLEDGE_HEADER + "PLEDGE-B1,FUND-A,100000,USD,2025-08-01,purl,\n",
    )
    assert taken.status_code == 409
    assert taken.json()["errors"] == [
        {
            "field": "file",
            "location": "body",
            "message": "pledge 'PLEDGE-B1' already exists",
            "sheet": None,
            "row": 2,
            "column": "id",
            "value": "PLEDGE-B1",
        }
    ]
    assert "note-of-pledge-B1" not in taken.text and "FUND-B" not in taken.text
    # a recipient imports its own requirements only
    needs = upload(
        client,
        "/imports/requirements",
        scenario.headers("recipient", "other"),
        "n.csv",
        "recipient,list_month,priority,rank,item,category,quantity,unit,unit_price,currency\n"
        "REC-A,2025-12,1,1,Radio,communications,2,set,10,USD\n",
    )
    assert needs.status_code == 403 and needs.json()["errors"][0]["value"] == "REC-A"
    assert events_in(api_store) == before


def _xlsx(rows: list[list], sheet: str = "Bedarf") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_with_a_mapping_and_a_bad_mapping_named_as_such(client, scenario, api_store):
    workbook = _xlsx(
        [
            ["Empfänger", "Monat", "Prio", "Rang", "Gerät", "Kategorie", "Menge", "Einheit", "Preis", "Währung"],
            ["REC-A", "2025-12", 2, 1, "Generator", "engineering", 4, "Stück", 1500.5, "USD"],
        ]
    )
    mapping = (
        "sheet: Bedarf\ncolumns: {recipient: Empfänger, list_month: Monat, priority: Prio, rank: Rang, item: Gerät,"
        " category: Kategorie, quantity: Menge, unit: Einheit, unit_price: Preis, currency: Währung}\n"
    )
    recipient = scenario.headers("recipient")
    answer = upload(
        client, "/imports/requirements", recipient, "bedarf.xlsx", workbook, mapping=("bedarf.yaml", mapping.encode())
    )
    assert answer.status_code == 200, answer.text
    [rid] = answer.json()["recorded"]
    with api_store.read() as conn:
        need = queries.requirement(conn, rid)
    assert (need["recipient"], need["item"], need["quantity"], need["unit_price"], need["state"]) == (
        "REC-A",
        "Generator",
        4,
        "1500.50",
        "draft",
    )

    before = events_in(api_store)
    bad = upload(
        client,
        "/imports/requirements",
        recipient,
        "bedarf.xlsx",
        workbook,
        mapping=("bedarf.yaml", b"columns: {colour: Farbe}\ndelimiter: ';;'\n"),
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "mapping")
    assert {e["field"] for e in bad.json()["errors"]} == {"mapping"}
    assert sorted(e["message"][:30] for e in bad.json()["errors"]) == [
        "'columns' names an unknown fie",
        "delimiter must be one characte",
    ]
    assert events_in(api_store) == before


def _zip_claiming(unpacked: int) -> bytes:
    """A small ZIP whose directory says its member unpacks to ``unpacked`` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x/>")
    data = bytearray(out.getvalue())
    entry = data.index(b"PK\x01\x02")
    data[entry + 24 : entry + 28] = unpacked.to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize(
    "name, content, status, says",
    [
        ("p.xlsx", PLEDGE_HEADER, 422, "'p.xlsx' is named .xlsx but holds text (CSV), not an XLSX workbook"),
        ("p.csv", _xlsx([["funder"]]), 422, "'p.csv' is named .csv but holds an XLSX workbook"),
        ("p.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), 422, "Excel 97-2003 (.xls) workbook"),
        ("p.xlsx", b"PK\x03\x04 not really", 422, "damaged ZIP archive"),
        ("p.xlsx", _zip_claiming(300 * 2**20), 413, "unpacks to more than 200 MB"),
        ("p", "amount\n" + "9" * 200_000 + "\n", 422, "is not readable as CSV (field larger than field limit"),
        ("p", b"funder\n\xff\xfe\n", 422, "is not utf-8-sig text"),
    ],
)
def test_a_file_is_judged_by_its_bytes(client, scenario, api_store, name, content, status, says):
    before = events_in(api_store)
    refused = upload(client, "/imports/pledges", scenario.headers("funder"), name, content)
    assert refused.status_code == status and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["field"] == "file" and says in refused.text
    assert events_in(api_store) == before


def test_an_upload_records_at_most_5000_rows(client, scenario, api_store):
    rows = PLEDGE_HEADER + "".join(f"FUND-A,{n}.00,USD,2025-12-01,purl,\n" for n in range(1, 5002))
    before = events_in(api_store)
    refused = upload(client, "/imports/pledges", scenario.headers("funder"), "many.csv", rows)
    assert (refused.status_code, refused.json()["detail"]) == (
        413,
        "file: 5001 rows; an upload records at most 5000 (split the file)",
    )
    assert events_in(api_store) == before


def test_a_request_over_20_mb_is_refused_before_it_is_read(client, scenario, api_store):
    big = b"x" * (20 * 2**20 + 1)
    declared = upload(client, "/imports/fx", scenario.headers("coordinator"), "eurofxref.csv", big)
    assert declared.status_code == 413 and declared.json()["type"] == "urn:supplyline:problem:too-large"

    def chunks():  # no Content-Length: counted as it arrives
        boundary = b'--b\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\n\r\n'
        yield boundary
        for _ in range(21):
            yield b"y" * 2**20
        yield b"\r\n--b--\r\n"

    streamed = client.post(
        f"{V1}/imports/fx",
        content=chunks(),
        headers={**scenario.headers("coordinator"), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert streamed.status_code == 413 and streamed.json()["detail"] == "the request body is larger than 20 MB"
    small = client.post(
        f"{V1}/imports/fx",
        content=b"--b\r\nbroken",
        headers={**scenario.headers("coordinator"), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert (small.status_code, small.json()["field"]) == (422, "file")  # a cut-off form holds no file


def test_an_upload_with_an_idempotency_key_is_recorded_once(client, scenario, api_store):
    headers = {**scenario.headers("coordinator"), "Idempotency-Key": "fx-2025-12-02"}
    ecb = "Date,USD,JPY,CYP,\n2025-12-03,1.1610,181.20,N/A,\n2025-12-02,1.1601,180.90,N/A,\n"
    before = events_in(api_store)
    first = upload(client, "/imports/fx", headers, "eurofxref-hist.csv", ecb)
    assert first.json() == {
        "source": "eurofxref-hist.csv",
        "days": 2,
        "recorded": ["2025-12-02", "2025-12-03"],
        "unchanged": 0,
        "ignored_columns": ["CYP"],
        "events": 2,
        "first": "2025-12-02",
        "last": "2025-12-03",
    }
    replay = upload(client, "/imports/fx", headers, "eurofxref-hist.csv", ecb)
    assert (replay.content, replay.headers["Idempotent-Replayed"]) == (first.content, "true")
    other = upload(client, "/imports/fx", headers, "eurofxref-hist.csv", ecb.replace("1.1610", "1.1611"))
    assert (other.status_code, other.json()["field"]) == (422, "Idempotency-Key")
    assert events_in(api_store) == before + 2
    assert client.get(f"{V1}/fx-rates?currency=JPY").json()["items"][-1] == {
        "day": "2025-12-03",
        "currency": "JPY",
        "per_eur": "181.20",
        "source": "ECB",
    }
    zipped = upload(client, "/imports/fx", scenario.headers("coordinator"), "eurofxref-hist.zip", _xlsx([["Date"]]))
    assert zipped.status_code == 422 and "upload the CSV file inside it" in zipped.json()["detail"]
    # a file's rates are held to the bounds of POST /fx-rates
    absurd = upload(
        client,
        "/imports/fx",
        scenario.headers("coordinator"),
        "eurofxref.csv",
        "Date,USD\n2025-12-04,1" + "0" * 12 + "\n",
    )
    assert (absurd.status_code, absurd.json()["field"]) == (422, "rates.USD")
    assert events_in(api_store) == before + 2


def test_a_kiel_release_with_its_release_info_then_the_comparison_as_a_workbook(client, scenario, api_store):
    coordinator = scenario.headers("coordinator")
    tracker = KIEL_HEADER + "Germany,DEU,2025,8,0.00002,0,0,0.00002,0.00002,0\n"
    info = ("release_info.csv", b"release,period,date,label\n30,08/2025,2025-09-01,Release 30\n")
    mismatch = upload(
        client, "/imports/kiel", coordinator, "data_explorer.csv", tracker, release_info=info, release="31"
    )
    assert (mismatch.status_code, mismatch.json()["field"]) == (422, "release")
    assert "release_info.csv beside the file says release 30" in mismatch.json()["detail"]
    imported = upload(client, "/imports/kiel", coordinator, "data_explorer.csv", tracker, release_info=info)
    assert imported.json() == {
        "source": "data_explorer.csv",
        "release": "30",
        "donors": 1,
        "months": 1,
        "recorded": ["DEU"],
        "unchanged": [],
        "events": 1,
        "purl": {"source": None, "note": "no procurement_trends.csv beside data_explorer.csv: no PURL series"},
    }

    answer = client.get(f"{V1}/reports/kiel?currency=EUR&release=30").json()
    with api_store.read() as conn:
        assert answer == kiel.comparison(conn, currency="EUR", release="30")
    assert (answer["donors"][0]["kiel_military"], answer["total"]["pledged"]) == ("20000.00", "91818.18")

    workbook = client.get(f"{V1}/reports/kiel?release=30", headers={"Accept": XLSX})
    assert workbook.headers["content-type"] == XLSX
    assert workbook.headers["content-disposition"] == 'attachment; filename="kiel-30.xlsx"'
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames == ["kiel release 30", "kiel by month", "rates used"]
    assert [c.value for c in book["kiel release 30"][2]][:5] == ["DEU", "Germany", "FUND-A", 91818.18, 20000]
    missing = client.get(f"{V1}/reports/kiel?release=12")
    assert (missing.status_code, missing.json()["field"]) == (422, "release")


def test_report_files_are_the_cli_tables_and_keep_what_a_caller_may_not_see_out(client, scenario, api_store):
    funnel_csv = client.get(f"{V1}/reports/funnel?currency=USD&format=csv")
    assert funnel_csv.headers["content-disposition"] == 'attachment; filename="funnel.csv"'
    with api_store.read() as conn:
        funnel = reports.funnel(conn, "USD")
    rows = list(csv.reader(funnel_csv.text.splitlines()))
    stages = ["pledged (USD)", "allocated (USD)", "contracted (USD)", "delivered (USD)"]
    # the last column says why a funder's figures are blank (withheld until a date), never 0.00
    assert rows[0] == ["funder", "name", *stages, "withheld"]
    totals = [funnel["total"][k] for k in ("pledged", "allocated", "contracted", "delivered")]
    assert rows[-1] == ["TOTAL", "", *totals, ""]
    rates = client.get(f"{V1}/reports/funnel?format=csv&table=rates-used")
    assert rates.text.splitlines() == ["rate date,from,to,rate", "2025-01-02,USD,EUR,0.909090909091"]
    assert client.get(f"{V1}/reports/funnel?format=csv&table=nope").json()["field"] == "table"
    assert client.get(f"{V1}/reports/funnel?table=rates-used").status_code == 422

    # the co-funder's trace file: its own pledge, the other funder's share without its pledge id
    cofunder = {"Authorization": f"Bearer {scenario.secrets['funder', 'cofunder']}"}
    funding = client.get(f"{V1}/packages/PKG-A/trace?format=csv&table=funding", headers=cofunder)
    lines = list(csv.DictReader(funding.text.splitlines()))
    assert [(r["pledge"], r["funder"], r["allocated (USD)"]) for r in lines] == [
        ("", "FUND-A", "6000.00"),
        ("PLEDGE-C1", "FUND-C", "4000.00"),
    ]
    assert "PLEDGE-A1" not in funding.text
    assert client.get(f"{V1}/packages/PKG-B/trace?format=csv", headers=cofunder).status_code == 404


def test_the_ocds_export_is_the_file_the_cli_writes(client, scenario, api_store, copies, tmp_path):
    answer = client.get(
        f"{V1}/exports/ocds?as_of=2026-01-01&publisher=Coordination%20cell", headers=scenario.headers("coordinator")
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    url = api_store.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "release.json"
    result = CliRunner().invoke(
        cli, ["--db", url, "export", "ocds", str(out), "--as-of", "2026-01-01", "--publisher", "Coordination cell"]
    )
    assert result.exit_code == 0, result.output

    def comparable(text: str) -> str:  # the publication time is the only difference
        return re.sub(r'"publishedDate": "[^"]+"', "", text)

    assert comparable(answer.text) == comparable(out.read_text())
    package = answer.json()
    assert [r["ocid"] for r in package["releases"]] == [
        "ocds-splyln-PKG-A",
        "ocds-splyln-PKG-A-CONC",
        "ocds-splyln-PKG-A-DONE",
        "ocds-splyln-PKG-A-DRAFT",
        "ocds-splyln-PKG-A-PROP",
        "ocds-splyln-PKG-B",
    ]
    # amounts are the decimals they are, as written in the file (never through a float)
    assert '"amount": 6000.00' in answer.text
    assert (
        client.get(f"{V1}/exports/ocds?as_of=2026-13-01", headers=scenario.headers("auditor")).json()["field"]
        == "as_of"
    )


def test_cached_answers_keep_each_format_apart(store):
    """On PostgreSQL reads are cached: JSON and CSV of one report are different answers."""
    bus.handle(
        store, Actor("operator"), parties.RegisterParty(id="FUND-X", name="Funder X", kind="government", country="NO")
    )
    with TestClient(create_app(store)) as client:
        first = client.get(f"{V1}/reports/funnel")
        as_csv = client.get(f"{V1}/reports/funnel", headers={"Accept": "text/csv"})
        again = client.get(f"{V1}/reports/funnel")
    assert first.headers["content-type"] == again.headers["content-type"] == "application/json"
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[-1] == "TOTAL,,0.00,0.00,0.00,0.00,"


#: 470 bytes that the safe loader expands to 10^9 list entries
BILLION_LAUGHS = b"""columns: {funder: Geber}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("m.yaml", b"columns: " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        ("m.toml", b"columns = " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        ("m.yaml", b"fixed: {pledged_on: 2025-13-45}\n", "is not valid YAML: month must be in 1..12"),
        ("m.yaml", b"columns: {funder: Geber\xff}\n", "is not UTF-8 text"),
        ("m.yaml", b"encoding: klingon\n", "encoding is not a known text encoding"),
        ("m.yaml", b"ignore: 5\n", "ignore must be a column header or a list of them"),
        ("m.json", b"{}", "a mapping file ends in .yaml, .yml or .toml"),
        # issue 13 item 6: nested aliases ("billion laughs") took 16.8 s and 710 MB
        ("m.yaml", BILLION_LAUGHS, "aliases (*name) are not allowed in a mapping file"),
        ("m.yaml", b"columns: {funder: &g Geber}\nignore: [*g]\n", "aliases (*name) are not allowed"),
        ("m.yaml", b"fixed: " + b"{a: " * 12 + b"1" + b"}" * 12 + b"\n", "nested more than 8 levels deep"),
        ("m.toml", b"# " + b"x" * (300 * 1024) + b"\n", "is larger than 256 KB"),
    ],
)
def test_a_mapping_file_that_cannot_be_one_is_refused_by_name(client, scenario, api_store, name, content, says):
    before = events_in(api_store)
    refused = upload(
        client, "/imports/pledges", scenario.headers("funder"), "p.csv", PLEDGE_HEADER, mapping=(name, content)
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "mapping")
    assert says in refused.json()["errors"][0]["message"]
    assert events_in(api_store) == before
