"""What a party sees of a record it may read: the one place that trims a record's fields.

Authorisation decides whether a caller sees a record at all; this decides which parts of
it. It removes references to records the caller may not read (another funder's pledge
inside a co-funded package's trace, packages of other parties that hold the same
requirement), and blanks every field its recording command withheld from this caller
(disclosure levels, ``services/access/withholding.py``), together with every figure computed
from such a field. A blanked field is null and listed under ``withheld`` with its level,
embargo and commitment, so the caller knows what is missing and can check a later reveal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from sqlalchemy import select

from ...domain import access
from ...domain.access import Principal
from ...store import schema as t
from .ownership import RESOLVERS, Ownership
from .withholding import Index, Reader, Withheld, reader_of


class Viewer:
    """A principal, and what it may read, answered from one request's ownership cache."""

    def __init__(self, principal: Principal, ownership: Ownership):
        self.principal = principal
        self.ownership = ownership
        self._withholding: tuple[Index, Reader] | None = None

    @property
    def withholding(self) -> tuple[Index, Reader]:
        """The ledger's withheld fields and this viewer as their rule sees it (read once)."""
        if self._withholding is None:
            self._withholding = (Index(self.ownership.conn), reader_of(self.principal, self.ownership))
        return self._withholding

    def hidden(self, table: str, key: tuple) -> dict[str, Withheld]:
        index, reader = self.withholding
        return index.hidden(table, key, reader) if index else {}

    def relations(self, kind: str, record_ids: Iterable[str]) -> None:
        """Resolve together the parties of a page's records, which the withholding rule asks
        this viewer's relation to (one query per page rather than per record)."""
        index, reader = self.withholding
        if index and not reader.sees_all and reader.party is not None:
            self.ownership.of_many(kind, record_ids)

    def withheld_ids(self, table: str, columns: Iterable[str]) -> set[str] | None:
        """The ids of ``table``'s rows with one of ``columns`` withheld from this viewer (None:
        every row's)."""
        index, reader = self.withholding
        return index.withheld_ids(table, columns, reader) if index else set()

    def events(self, items: list[dict]) -> list[dict]:
        """The events (``GET /events`` items) this viewer may read, as the API decides: the
        whole ledger for a role whose ``event.read`` admits it, else each event whose stream
        builds a record the viewer may read (``GET /events?stream=kind:id``)."""
        if access.scope_of(self.principal.role, "event.read") is not None:
            return items
        streams = [str(i["stream_id"]).partition(":") for i in items]
        wanted: dict[str, set[str]] = {}
        for kind, _, record_id in streams:
            if kind in RESOLVERS:
                wanted.setdefault(kind, set()).add(record_id)
        seen = {(kind, i) for kind, ids in wanted.items() for i in self.readable(kind, ids)}
        return [item for item, (kind, _, rid) in zip(items, streams, strict=True) if (kind, rid) in seen]

    def readable(self, kind: str, record_ids: Iterable[str | None]) -> set[str]:
        """Which of these records the viewer may read (resolved together)."""
        wanted = {i for i in record_ids if i is not None}
        found = self.ownership.of_many(kind, wanted)
        return {i for i in wanted if i in found and access.can_read(self.principal, kind, found[i])}


def _blank(
    record: dict, hidden: dict[str, Withheld], names: Iterable[str] | None = None, *, because: Withheld | None = None
) -> dict:
    """``record`` with each field in ``names`` (default: all) that ``hidden`` names set to
    null and listed under ``withheld``; ``because`` blanks all of ``names`` for that reason."""
    candidates = list(record) if names is None else list(names)
    reasons = dict.fromkeys(candidates, because) if because else {n: hidden[n] for n in candidates if n in hidden}
    reasons = {name: why for name, why in reasons.items() if name in record and record[name] is not None}
    if not reasons:
        return record
    out = {**record, **dict.fromkeys(reasons)}
    notes = list(record.get("withheld", ()))
    for name, why in reasons.items():
        note = {**why.to_json(), "field": name}
        if note not in notes:
            notes.append(note)
    out["withheld"] = notes
    return out


def _pledge(viewer: Viewer, record: dict) -> dict:
    out = _blank(record, viewer.hidden("pledges", (record["id"],)))
    if "allocations" in out:
        out["allocations"] = [_blank(a, viewer.hidden("allocations", (a["id"],))) for a in out["allocations"]]
    return out


def _package(viewer: Viewer, record: dict) -> dict:
    out = _blank(record, viewer.hidden("packages", (record["id"],)))

    def line_keys() -> list[tuple]:
        return [(record["id"], n) for n in _line_numbers(viewer, record)]

    # a package's value and funding add up its lines: blank them if any part is withheld
    value_why = _first(viewer, "package_lines", line_keys, ("unit_price", "quantity"))
    if value_why:
        out = _blank(out, {}, ("value",), because=value_why)
    funded_why = _first(viewer, "allocations", lambda: _allocation_keys(viewer, record["id"]), ("line_amount",))
    if funded_why:
        out = _blank(out, {}, ("funded",), because=funded_why)
    if "lines" in out:
        lines = []
        for line in out["lines"]:
            line = _blank(line, viewer.hidden("package_lines", (record["id"], line["line_no"])))
            keys = partial(_allocation_keys, viewer, record["id"], line["line_no"])
            why = _first(viewer, "allocations", keys, ("line_amount",))
            lines.append(_blank(line, {}, ("funded",), because=why) if why else line)
        out["lines"] = lines
    if "steps" in out:  # a return's reasons, a funder's objection: as their commands withheld them
        out["steps"] = [_blank(s, viewer.hidden("package_steps", (record["id"], s["position"]))) for s in out["steps"]]
    if "contracts" in out:
        shown = viewer.readable("contract", (c["id"] for c in out["contracts"]))
        out["contracts"] = [_contract(viewer, c) for c in out["contracts"] if c["id"] in shown]
    return out


def _contract(viewer: Viewer, record: dict) -> dict:
    out = _blank(record, viewer.hidden("contracts", (record["id"],)))
    if "lines" in out:
        out["lines"] = [
            _blank(line, viewer.hidden("contract_lines", (record["id"], line["line_no"]))) for line in out["lines"]
        ]
    if "schedule" in out:
        out["schedule"] = [
            _blank(d, viewer.hidden("delivery_schedule", (record["id"], d["position"]))) for d in out["schedule"]
        ]
    if "amendments" in out:
        out["amendments"] = [_amendment(viewer, record["id"], a) for a in out["amendments"]]
    return out


def _amendment(viewer: Viewer, contract_id: str, record: dict) -> dict:
    """A contract's change: its lines and due dates are the projected ``changes``."""
    hidden = viewer.hidden("contract_amendments", (contract_id, record["position"]))
    if "changes" in hidden:
        hidden = {**hidden, "lines": hidden["changes"], "schedule": hidden["changes"]}
    return _blank(record, hidden)


_AMENDED_TERMS = ("old_quantity", "new_quantity", "old_unit_price", "new_unit_price")


def _traced_amendment(viewer: Viewer, contract_id: str, entry: dict, price: Withheld | None) -> dict:
    """A change to a traced line: its terms withheld as the amendment's changes are, and its
    prices as the line's price is (they state it)."""
    hidden = viewer.hidden("contract_amendments", (contract_id, entry["position"]))
    out = _blank(entry, dict.fromkeys(_AMENDED_TERMS, hidden["changes"]) if "changes" in hidden else {}, _AMENDED_TERMS)
    out = _blank(out, {k: v for k, v in hidden.items() if k == "description"}, ("description",))
    return _blank(out, {}, ("old_unit_price", "new_unit_price"), because=price) if price else out


def _shipment(viewer: Viewer, record: dict) -> dict:
    out = _blank(record, viewer.hidden("shipments", (record["id"],)))
    if "lines" in out:
        lines = []
        for line in out["lines"]:
            line = _blank(line, viewer.hidden("shipment_lines", (record["id"], line["contract_line_no"])))
            if line.get("lots") and any(
                viewer.hidden("shipment_lots", (record["id"], lot["lot_id"])) for lot in line["lots"]
            ):
                why = next(iter(viewer.hidden("shipment_lots", (record["id"], line["lots"][0]["lot_id"])).values()))
                line = {**_blank(line, {}, ("lots",), because=why), "lots": []}
            lines.append(line)
        out["lines"] = lines
    return out


def _first(
    viewer: Viewer, table: str, keys: Callable[[], Iterable[tuple]], columns: tuple[str, ...]
) -> Withheld | None:
    """The first of ``columns`` withheld in the rows ``keys`` lists (read only when some field
    of ``table`` is withheld at all)."""
    index, reader = viewer.withholding
    return index.any_hidden(table, keys(), reader, columns) if index.withholds(table) else None


def _line_numbers(viewer: Viewer, record: dict) -> list[int]:
    if "lines" in record:
        return [line["line_no"] for line in record["lines"]]
    pl = t.package_lines
    return list(viewer.ownership.conn.execute(select(pl.c.line_no).where(pl.c.package_id == record["id"])).scalars())


def _allocation_keys(viewer: Viewer, package_id: str, line_no: int | None = None) -> list[tuple]:
    a = t.allocations
    query = select(a.c.id).where(a.c.package_id == package_id)
    if line_no is not None:
        query = query.where(a.c.line_no == line_no)
    return [(i,) for i in viewer.ownership.conn.execute(query).scalars()]


#: figures computed from a requirement's columns (the dashboard's coverage), blanked with them
_REQUIREMENT_DERIVED = {
    "quantity": ("value", "coverage", "delivered_share", "unfunded_quantity", "why_unfunded"),
    "unit_price": ("value", "funded_value"),
    "funded_quantity": ("funded_value", "coverage", "unfunded_quantity", "why_unfunded"),
    "delivered_quantity": ("delivered_share",),
}


def _requirement(viewer: Viewer, record: dict) -> dict:
    hidden = viewer.hidden("requirements", (record["id"],))
    out = _blank(record, hidden)
    for column, derived in _REQUIREMENT_DERIVED.items():
        if column in hidden:
            out = _blank(out, {}, derived, because=hidden[column])
    if "packages" not in out:
        return out
    shown = viewer.readable("package", (p["package_id"] for p in out["packages"]))
    return {**out, "packages": [p for p in out["packages"] if p["package_id"] in shown]}


def _order(viewer: Viewer, record: dict) -> dict:
    """An order states its contract line's quantity and schedule: withheld as they are."""
    return _blank(record, viewer.hidden("production_orders", (record["id"],)))


def funding(viewer: Viewer, rows: list[dict]) -> list[dict]:
    """A package's funding rows (``queries.package_funding``) without the pledges the viewer
    may not read: another funder's pledge id and amount (as in the trace)."""
    own = viewer.readable("pledge", (row["pledge_id"] for row in rows))
    return [
        row if row["pledge_id"] in own else {**row, "pledge_id": None, "amount": None, "amount_currency": None}
        for row in rows
    ]


_FOREIGN_ALLOCATION = dict.fromkeys(("allocation_id", "pledge_id", "amount", "currency", "fx_rate", "fx_date"))
_FOREIGN_SHARE = dict.fromkeys(("pledge_id", "pledge_amount", "pledge_currency"))
#: another funder's payment: which pledge, how much of its currency, and its own references
_FOREIGN_PAYMENT = dict.fromkeys(("pledge_id", "position", "amount", "currency", "reference"))


def _trace_contract_line(viewer: Viewer, entry: dict) -> dict:
    shown = _blank(entry, viewer.hidden("contracts", (entry["id"],)), ("supplier", "kind", "signed_on"))
    return _blank(
        shown, viewer.hidden("contract_lines", (entry["id"], entry["line_no"])), ("item", "quantity", "unit_price")
    )


def _payments(viewer: Viewer, own: set[str], entries: Iterable[dict], why: Withheld | None) -> list[dict]:
    """A delivered line's payments; with ``why`` (its value is withheld) the supplier's
    payments on it are blanked too, as they state that value again."""
    payments = [_payment(viewer, own, p) for p in entries]
    if why:
        payments = [
            _blank(p, {}, ("amount", "seller_amount"), because=why) if p["stage"] == "expended" else p for p in payments
        ]
    return payments


def _payment(viewer: Viewer, own: set[str], entry: dict) -> dict:
    """A payment of a delivered item's money: its amounts as their events withheld them; of
    another funder's pledge, only the stage, funder, day and what reached the seller."""
    hidden = viewer.hidden("money_flows", (entry["pledge_id"], entry["position"]))
    shown = _blank(entry, {"seller_amount": hidden["seller"]} if "seller" in hidden else {}, ("seller_amount",))
    shown = _blank(shown, hidden, ("amount",))
    return shown if entry["pledge_id"] in own else {**shown, **_FOREIGN_PAYMENT}


def _trace(viewer: Viewer, record: dict) -> dict:
    """A co-funded package's trace names every funder and what it paid for each line (that
    is shared package data), but not another funder's pledge: its id, currency and rate."""

    own = viewer.readable("pledge", (a["pledge_id"] for line in record["lines"] for a in line["funded_by"]))

    def allocation(entry: dict) -> dict:
        return entry if entry["pledge_id"] in own else {**entry, **_FOREIGN_ALLOCATION}

    def share(entry: dict) -> dict:
        return entry if entry["pledge_id"] in own else {**entry, **_FOREIGN_SHARE}

    package_id = record["package"]["id"]

    def line(entry: dict) -> dict:
        shown = _blank(
            entry, viewer.hidden("package_lines", (package_id, entry["line_no"])), ("item", "quantity", "unit_price")
        )
        funded = [
            _blank(
                a,
                viewer.hidden("allocations", (a["allocation_id"],)) if a["allocation_id"] else {},
                ("amount", "line_amount", "fx_rate", "fx_date"),
            )
            for a in entry["funded_by"]
        ]
        return {**shown, "funded_by": [allocation(a) for a in funded]}

    def delivered(entry: dict) -> dict:
        price = viewer.hidden("contract_lines", (entry["contract"]["id"], entry["contract"]["line_no"])).get(
            "unit_price"
        )
        counts = viewer.hidden("shipment_lines", (entry["shipment_id"], entry["contract"]["line_no"]))
        shipment = viewer.hidden("shipments", (entry["shipment_id"],))
        out = _blank(entry, shipment, ("shipped_on", "received_on", "note"))
        out = _blank(out, {"shipped": counts["quantity"]} if "quantity" in counts else {}, ("shipped",))
        out = _blank(out, {"received": counts["received"]} if "received" in counts else {}, ("received",))
        why = price or counts.get("received")
        if why:  # the value, and each pledge's part of it, are computed from what is withheld
            out = _blank(out, {}, ("value", "discrepancy"), because=why)
        paid = [share(s) for s in entry["paid_by"]]
        if why:
            paid = [_blank(s, {}, ("amount", "pledge_amount"), because=why) for s in paid]
        contract = _blank(entry["contract"], {"unit_price": price} if price else {}, ("unit_price",))
        changes = [_traced_amendment(viewer, contract["id"], a, price) for a in contract.get("amendments", ())]
        contract = {**contract, "amendments": changes}
        if entry.get("lots") and counts.get("quantity"):
            out = {**out, "lots": []}
        payments = _payments(viewer, own, entry.get("payments", ()), why)
        return {**out, "contract": contract, "package_line": line(entry["package_line"]), "paid_by": paid} | {
            "payments": payments
        }

    return {
        **record,
        "lines": [line(entry) for entry in record["lines"]],
        "contracts": [_trace_contract_line(viewer, c) for c in record["contracts"]],
        "delivered": [delivered(d) for d in record["delivered"]],
    }


#: record kind → how to trim it for a viewer (kinds not listed are shown whole)
PRESENTERS: dict[str, Callable[[Viewer, dict], dict]] = {
    "requirement": _requirement,
    "order": _order,
    "pledge": _pledge,
    "package": _package,
    "contract": _contract,
    "shipment": _shipment,
    "trace": _trace,
    # the evidence (issue 18): a document's title and a finding's texts, as their commands withheld them
    "document": lambda viewer, record: _blank(record, viewer.hidden("documents", (record["id"],))),
    "finding": lambda viewer, record: _blank(record, viewer.hidden("findings", (record["id"],))),
}


def present(viewer: Viewer, kind: str, record: dict) -> dict:
    presenter = PRESENTERS.get(kind)
    return presenter(viewer, record) if presenter else record
