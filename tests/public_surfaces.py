"""Everything the public can read of a ledger, as text: the crawl the leak tests search.

Surfaces: the public log (``GET /api/v1/log/events``, every page), the published tiles and
entry bundles (``publish tiles``), the OCDS export (as the service writes it, and as the
dashboard's open-data download and the API answer it without a token), the funnel in JSON,
CSV and XLSX, every dashboard page a signed-out visitor can reach (with each package's page,
and the CSV and XLSX of every table the public pages offer), the
end-use report (issue 16: percentages only, never a serial or a site), and each document's
page and bytes and each finding's page as a signed-out visitor asks for them (issue 18).
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import select

from supplyline.api import create_app
from supplyline.services.interchange import opendata
from supplyline.services.log import transparency
from supplyline.settings import load as load_settings
from supplyline.store import keyfile
from supplyline.store import schema as t
from supplyline.store.eventstore import Store

API = "/api/v1"
PAGES = (
    "/",
    "/requirements",
    "/packages",
    "/production",
    "/ledger",
    "/end-use",
    "/end-use?lang=uk",
    "/findings",
    "/findings?lang=uk",
    "/methodology",
)


@dataclass
class Surfaces:
    texts: dict[str, str] = field(default_factory=dict)
    log: list[dict] = field(default_factory=list)

    def add(self, name: str, text: str) -> None:
        self.texts[name] = text


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells: list[str] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend("" if v is None else str(v) for v in row)
    return "\n".join(cells)


def crawl(store: Store, url: str, tmp_path: Path) -> Surfaces:
    """Read every public surface of the ledger at ``url`` (a SQLite store) as the public."""
    signer, _ = transparency.ensure_key(keyfile.default_path(url), "leaks.test/ledger")
    out = Surfaces()
    with TestClient(create_app(store)) as client:
        cursor = None
        while True:
            answer = client.get(f"{API}/log/events", params={"limit": 500, **({"cursor": cursor} if cursor else {})})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            out.log.extend(body["items"])
            out.add(f"log page after {cursor}", answer.text)
            cursor = body["next_cursor"]
            if not cursor:
                break
        for currency in ("USD", "EUR"):
            for fmt in ("json", "csv"):
                answer = client.get(f"{API}/reports/funnel", params={"currency": currency, "format": fmt})
                assert answer.status_code == 200, answer.text
                out.add(f"funnel {currency} {fmt}", answer.text)
            answer = client.get(f"{API}/reports/funnel", params={"currency": currency, "format": "xlsx"})
            assert answer.status_code == 200, answer.text
            out.add(f"funnel {currency} xlsx", _xlsx_text(answer.content))
        for as_of in ("2026-03-03", date.today().isoformat()):
            answer = client.get(f"{API}/reports/end-use", params={"as_of": as_of})
            assert answer.status_code == 200, answer.text
            out.add(f"end-use report {as_of}", answer.text)
        # audit findings: the public is listed only the closed ones their auditor made public (issue 18)
        answer = client.get(f"{API}/reports/findings")
        assert answer.status_code == 200, answer.text
        out.add("findings report", answer.text)
        for page in PAGES:
            answer = client.get(page)
            client.cookies.clear()  # each page as a first-time reader: ?lang=uk is remembered otherwise
            assert answer.status_code == 200, (page, answer.text[:500])
            out.add(f"page {page}", answer.text)
        for package_id in sorted(set(re.findall(r'href="/packages/([A-Za-z0-9._-]+)"', out.texts["page /packages"]))):
            answer = client.get(f"/packages/{package_id}")
            assert answer.status_code == 200, answer.text[:500]
            out.add(f"page /packages/{package_id}", answer.text)
        # the open data, from the dashboard and from the API without a token (issue 21)
        for address in ("/open-data/ocds.json", f"{API}/exports/ocds"):
            answer = client.get(address)
            assert answer.status_code == 200, (address, answer.text[:500])
            out.add(f"open data {address}", answer.text)
        # every table's CSV and XLSX beside it on the public pages (issue 21)
        downloads = {
            html.unescape(href)
            for text in list(out.texts.values())
            for href in re.findall(r'href="(/[^"]*[?&](?:amp;)?format=(?:csv|xlsx)[^"]*)"', text)
        }
        for href in sorted(downloads):
            answer = client.get(href)
            assert answer.status_code == 200, (href, answer.text[:500])
            out.add(f"file {href}", _xlsx_text(answer.content) if "format=xlsx" in href else answer.text)
        # every document's page and bytes and every finding's page, as the public asks for them
        # (issue 18): answered or refused, whatever comes back is searched
        with store.read() as conn:
            evidence = [f"/documents/{i}" for i in conn.execute(select(t.documents.c.id)).scalars()]
            evidence += [f"{page}/content" for page in evidence]
            evidence += [f"/findings/{i}" for i in conn.execute(select(t.findings.c.id)).scalars()]
        for page in evidence:
            out.add(f"page {page}", client.get(page).text)
    exported = opendata.export_ocds(store, "", opendata.OcdsRequest(), load_settings())
    out.add("ocds", exported.text)
    tiles = tmp_path / "tiles"
    transparency.publish_tiles(store, signer, tiles)
    for path in sorted(p for p in tiles.rglob("*") if p.is_file()):
        # the tiles are bytes; any value in clear would show as its ASCII text
        out.add(f"tile {path.relative_to(tiles)}", path.read_bytes().decode("latin-1"))
    return out


# --- how a withheld value shows when it is rendered ---------------------------------------------


def atoms(value: Any) -> set[str]:
    """The scalars inside a withheld value that are worth searching for: amounts, counts and
    dates (names and codes are public elsewhere by design: an item, a currency, a party)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("currency", "line_no", "package_line_no", "contract_line_no", "position", "lot_id"):
                found |= atoms(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= atoms(inner)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        found.add(str(value))
    elif isinstance(value, str) and (
        re.fullmatch(r"-?\d+(\.\d+)?", value) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        found.add(value)
    return found


def renderings(atom: str) -> set[str]:
    """The ways a page, a report or a file may write the value."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", atom):
        day = date.fromisoformat(atom)
        return {atom, day.strftime("%d %b %Y"), day.strftime("%-d %b %Y"), day.strftime("%d/%m/%Y")}
    number = Decimal(atom)
    forms = {atom, format(number, ","), format(number.normalize(), "f")}
    if number == number.to_integral_value():
        whole = int(number)
        forms |= {str(whole), f"{whole:,}", f"{whole}.00", f"{whole:,}.00", f"{whole}.0"}
    else:
        forms |= {f"{number:.2f}", f"{number:,.2f}"}
    return forms


def pattern(atom: str) -> re.Pattern[str]:
    """A rendering of ``atom`` standing alone: not a part of a longer number, a hash or a word."""
    forms = sorted(renderings(atom), key=len, reverse=True)
    return re.compile(r"(?<![0-9A-Za-z.,])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![0-9A-Za-z]|[.,][0-9])")


def find(surfaces: Surfaces, atom: str) -> list[str]:
    """Where ``atom`` shows, with some context (empty: nowhere)."""
    hits = []
    regex = pattern(atom)
    for name, text in surfaces.texts.items():
        for match in regex.finditer(text):
            hits.append(f"{name}: …{text[max(0, match.start() - 80) : match.end() + 40]}…")
    return hits


def clear_values(payload: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, scalar) of every value of a public event's payload that is in clear."""
    if isinstance(payload, dict):
        if "$withheld" in payload or "$repeats" in payload:
            return []
        return [pair for key, inner in payload.items() for pair in clear_values(inner, f"{path}.{key}")]
    if isinstance(payload, list):
        return [pair for i, inner in enumerate(payload) for pair in clear_values(inner, f"{path}[{i}]")]
    return [(path, payload)]


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
