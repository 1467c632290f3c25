"""End-use monitoring on the demo ledger (issue 16, "How it is judged")."""

import re
from collections.abc import Callable
from datetime import date
from functools import partial

import pytest
from sqlalchemy import func, select

from conftest import event_count
from supplyline.domain.access import Principal
from supplyline.domain.errors import InvalidInput, NotFound, RuleViolation
from supplyline.domain.serials import SerialRow
from supplyline.ledger.merkle import leaf_hash, verify_inclusion
from supplyline.services import bus
from supplyline.services.bus import Command
from supplyline.services.context import Actor
from supplyline.services.demo_ledger.demo_enduse import NL_PAC3, serial_rows
from supplyline.services.end_use import enduse, serial_history
from supplyline.services.end_use.enduse_report import Filters, compliance
from supplyline.services.end_use.enduse_views import end_use_report
from supplyline.services.reads import reports
from supplyline.services.reads.report_models import EndUseFigures
from supplyline.services.records import shipments
from supplyline.store import schema as t

UA, US = Actor("UA-MOD"), Actor("US-GOV")
EVIDENCE = "ab" * 32
NL = Filters(package_id="PKG-NL-1")


def figures(store, day: str, f: Filters = NL) -> EndUseFigures:
    with store.read() as conn:
        return compliance(conn, date.fromisoformat(day), f, by=("category",))["overall"]


def test_the_60_pac3_received_unchecked_are_all_delinquent_after_90_days(demo_store):
    before = figures(demo_store, "2026-03-02")
    assert before["items"] == {"due": 60, "done": 0, "overdue": 0, "disposed": 0}
    after = figures(demo_store, "2026-03-03")
    assert after["items"] == {"due": 0, "done": 0, "overdue": 60, "disposed": 0}
    assert after["delinquent_pct"] == "100.0" and after["delinquent_value_pct"] == "100.0"
    assert after["value"] == {"USD": {"due": "0.00", "done": "0.00", "overdue": "240000000.00", "disposed": "0.00"}}


def test_the_demo_shows_one_package_inventoried_and_one_overdue(demo_store):
    with demo_store.read() as conn:
        data = compliance(conn, date(2026, 12, 3), by=("package",))
    by_package = {r["package"]: r["items"] for r in data["by_package"]}
    assert by_package == {
        "PKG-NL-1": {"due": 0, "done": 0, "overdue": 60, "disposed": 0},
        "PKG-NORDIC-1": {"due": 0, "done": 96, "overdue": 0, "disposed": 0},
    }


def test_a_serials_membership_is_provable_against_the_root_in_the_log(demo_store):
    with demo_store.read() as conn:
        proof = serial_history.prove(conn, "PAC3-NL-00042")
        body = conn.execute(select(t.events.c.body).where(t.events.c.seq == proof["event_seq"])).scalar_one()
    assert proof["index"] == 41 and proof["size"] == 60 and proof["root"] in body and "PAC3-NL" not in body
    path = [bytes.fromhex(h) for h in proof["path"]]
    verify_inclusion(41, 60, leaf_hash(b"PAC3-NL-00042"), path, bytes.fromhex(proof["root"]))
    # the trace names the manifest its delivered PAC-3 start from: the serial's trail
    with demo_store.read() as conn:
        traced = [d["serials"] for d in reports.trace(conn, "PKG-NL-1")["delivered"]]
    assert {"manifest": proof["manifest"], "root": proof["root"]} in traced and None in traced


def test_who_sees_what(demo_store):
    day = date(2026, 3, 3)
    with demo_store.read() as conn:
        public = end_use_report(conn, Principal(None, "public"), day)
        funder = end_use_report(conn, Principal("NL-GOV", "funder"), day)
        coordinator = end_use_report(conn, Principal("NATO-NSATU", "coordinator"), day)
        recipient = end_use_report(conn, Principal("UA-MOD", "recipient"), day)
    assert set(public) == {"as_of", "public"}
    assert {"month": "2026-03", "category": "air_defence", "compliant_pct": "57.1"} in public["public"]
    assert [r["package"] for r in funder["by_package"]] == ["PKG-NL-1"]
    assert "by_site" not in funder and "overdue_serials" not in funder and "by_site" not in coordinator
    assert coordinator["overall"]["total"] == 156
    assert len(recipient["overdue_serials"]) == 60 and {r["site"] for r in recipient["by_site"]} == {
        "ST-0001",
        "ST-0002",
        "ST-0003",  # the unit's store the demo handed ten PAC-3 on to
    }


# --- bad input: refused naming the serial and row, nothing written ------------------------------


def _send(store, rows, qty=4):
    return bus.handle(
        store,
        US,
        shipments.Dispatch(
            contract_id="CT-NL-1", shipped_on="2026-01-10", lines=(shipments.ShippedLine(1, qty),), serials=rows
        ),
    )


@pytest.mark.parametrize(
    ("rows", "error", "message"),
    [
        (serial_rows("X", 3), RuleViolation, "contract line 1 ships 4 units: 3 serial numbers given are too few"),
        (serial_rows("X", 5), RuleViolation, "contract line 1 ships 4 units: 5 serial numbers given are too many"),
        (
            (*serial_rows("X", 3), SerialRow(4, "X-00002")),
            InvalidInput,
            "row 4: serial X-00002 appears more than once (also on row 2)",
        ),
        (
            (*serial_rows("X", 3), SerialRow(4, "PAC3-NL-00009")),
            RuleViolation,
            "row 4: serial PAC3-NL-00009 is already in the ledger",
        ),
        ((), RuleViolation, "contract line 1 requires serial numbers"),
    ],
)
def test_a_shipment_of_a_serialised_line_needs_exactly_its_units_in_new_distinct_serials(
    demo_store, rows, error, message
):
    before = event_count(demo_store)
    with pytest.raises(error, match=re.escape(message)):
        _send(demo_store, rows)
    assert event_count(demo_store) == before
    with demo_store.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.end_use_items)).scalar_one() == 156


def test_unknown_site_unknown_serial_and_a_party_not_allowed_are_refused(demo_store):
    before = event_count(demo_store)
    with pytest.raises(InvalidInput, match="site: is not a registered site"):
        bus.handle(
            demo_store,
            UA,
            enduse.RecordCheck(kind="annual", checked_on="2026-03-01", site="DEP-99", serials=NL_PAC3[:2]),
        )
    with pytest.raises(InvalidInput, match="row 2: serial NOPE-1 is not in the ledger"):
        bus.handle(
            demo_store,
            UA,
            enduse.RecordCheck(
                kind="annual", checked_on="2026-03-01", site="DEP-01", serials=(NL_PAC3[0], SerialRow(2, "NOPE-1"))
            ),
        )
    with pytest.raises(RuleViolation, match=r"row 1: DE-GOV may not check serial PAC3-NL-00001 \(package PKG-NL-1"):
        bus.handle(
            demo_store,
            Actor("DE-GOV"),
            enduse.RecordCheck(kind="annual", checked_on="2026-03-01", site="DEP-01", serials=NL_PAC3[:1]),
        )
    with pytest.raises(InvalidInput, match="authorisation: must not be empty"):
        transfer = enduse.RecordDisposition(
            kind="transferred", disposed_on="2026-03-01", serials=NL_PAC3[:1], evidence_sha256=EVIDENCE
        )
        bus.handle(demo_store, UA, transfer)
    with pytest.raises(NotFound):
        serial_history.history(demo_store.engine.connect(), "NOPE-1")
    assert event_count(demo_store) == before


def test_a_short_receipt_of_a_serialised_line_names_the_missing_serials(demo_store):
    rows = serial_rows("Y", 4)
    sid = _send(demo_store, rows).id
    with pytest.raises(RuleViolation, match="contract line 1: 1 units did not arrive, but 0 serials are named missing"):
        bus.handle(
            demo_store,
            UA,
            shipments.Receive(shipment_id=sid, received_on="2026-01-20", quantities={1: 3}, note="one lost"),
        )
    bus.handle(
        demo_store,
        UA,
        shipments.Receive(
            shipment_id=sid,
            received_on="2026-01-20",
            quantities={1: 3},
            note="one lost",
            missing=rows[3:],
            site="DEP-01",
        ),
    )
    with demo_store.read() as conn:
        i = t.end_use_items
        states = {r.serial: r.state for r in conn.execute(select(i.c.serial, i.c.state).where(i.c.shipment_id == sid))}
    assert states == {"Y-00001": "held", "Y-00002": "held", "Y-00003": "held", "Y-00004": "missing"}


def test_the_figures_and_bulk_writes_agree_on_sqlite_and_postgresql(store):
    """How issue 16 is judged, on both databases: the 60 PAC-3 received unchecked are 100 %
    delinquent as of 2026-03-03; an initial inventory of 58 and 2 expended make them
    compliant until a year after the inventory; bad input is refused naming the serial and
    row, with nothing written (PostgreSQL writes the index with COPY and matches serials with
    one array parameter)."""
    from supplyline.services.demo_ledger import demo

    demo.load(store)
    assert figures(store, "2026-03-03")["items"] == {"due": 0, "done": 0, "overdue": 60, "disposed": 0}
    assert figures(store, "2026-03-03")["delinquent_pct"] == "100.0"
    before = event_count(store)
    check = partial(enduse.RecordCheck, kind="initial", checked_on="2026-03-01")
    refused: list[tuple[Actor, Callable[[], Command], str]] = [
        (US, partial(_dispatch, serial_rows("X", 3)), "contract line 1 ships 4 units: 3 serial numbers given are too few"),
        (US, partial(_dispatch, serial_rows("X", 5)), "contract line 1 ships 4 units: 5 serial numbers given are too many"),
        (US, partial(_dispatch, (*serial_rows("X", 3), SerialRow(4, "X-00002"))), "row 4: serial X-00002 appears more than once (also on row 2)"),
        (US, partial(_dispatch, (*serial_rows("X", 3), SerialRow(4, "PAC3-NL-00009"))), "row 4: serial PAC3-NL-00009 is already in the ledger"),
        (UA, partial(check, site="DEP-99", serials=NL_PAC3[:2]), "site: is not a registered site"),
        (Actor("DE-GOV"), partial(check, site="DEP-01", serials=NL_PAC3[:1]), "row 1: DE-GOV may not check serial PAC3-NL-00001 (package PKG-NL-1"),
    ]  # fmt: skip
    for actor, command, message in refused:
        with pytest.raises((InvalidInput, RuleViolation), match=re.escape(message)):
            bus.handle(store, actor, command())
    assert event_count(store) == before
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.end_use_items)).scalar_one() == 156
    bus.handle(store, UA, check(site="DEP-01", serials=NL_PAC3[:58]))
    expended = enduse.RecordDisposition(
        kind="expended", disposed_on="2026-02-20", serials=NL_PAC3[58:], evidence_sha256=EVIDENCE, note="test firing"
    )
    bus.handle(store, UA, expended)
    on_time = figures(store, "2027-03-01")
    assert on_time["items"] == {"due": 0, "done": 58, "overdue": 0, "disposed": 2}
    assert on_time["compliant_pct"] == "100.0"
    assert figures(store, "2027-03-02")["items"] == {"due": 0, "done": 0, "overdue": 58, "disposed": 2}
    with store.read() as conn:
        auditor = end_use_report(conn, Principal("BE-AUDIT", "auditor"), date(2027, 3, 2), NL)
    assert [s["serial"] for s in auditor["overdue_serials"]] == [r.serial for r in NL_PAC3[:58]]
    # as of a day before the check, it does not count yet (the as-of date reads the history)
    assert figures(store, "2026-02-25")["items"] == {"due": 58, "done": 0, "overdue": 0, "disposed": 2}
    with store.read() as conn:
        history = serial_history.history(conn, "PAC3-NL-00001")
    assert [(h["on"], h["what"]) for h in history["history"]] == [
        ("2025-11-24", "shipped"),
        ("2025-12-02", "received"),
        ("2026-03-01", "initial"),
    ]
    from supplyline.services.end_use import serial_rebuild

    assert serial_rebuild.check(store) == []  # the replay agrees with what COPY and the array updates wrote


def _dispatch(rows) -> shipments.Dispatch:
    line = shipments.ShippedLine(1, 4)
    return shipments.Dispatch(contract_id="CT-NL-1", shipped_on="2026-01-10", lines=(line,), serials=rows)


def test_a_custody_leg_is_confirmed_by_the_receiving_party_with_its_discrepancies(demo_store):
    from supplyline.services.end_use import custody

    leg = custody.HandOver(from_site="DEP-01", to_site="DEP-02", handed_on="2026-01-05", serials=NL_PAC3[:10])
    handover = bus.handle(demo_store, UA, leg).id
    before = event_count(demo_store)
    with pytest.raises(
        RuleViolation, match=f"handover {handover} is confirmed by UA-MOD, the receiving party, not US-GOV"
    ):
        bus.handle(demo_store, US, custody.ConfirmHandover(handover_id=handover, confirmed_on="2026-01-06"))
    stray = (SerialRow(1, "PAC3-NO-00001"),)  # held at DEP-02 already, not at the giving site
    with pytest.raises(RuleViolation, match="row 1: serial PAC3-NO-00001 is not held at the giving site ST-0001"):
        bus.handle(
            demo_store, UA, custody.ConfirmHandover(handover_id=handover, confirmed_on="2026-01-06", extra=stray)
        )
    assert event_count(demo_store) == before
    confirmation = custody.ConfirmHandover(
        handover_id=handover,
        confirmed_on="2026-01-06",
        missing=(SerialRow(1, NL_PAC3[9].serial),),
        damaged=(SerialRow(1, NL_PAC3[0].serial),),
        extra=(SerialRow(1, NL_PAC3[10].serial),),
    )
    bus.handle(demo_store, UA, confirmation)
    with demo_store.read() as conn:
        i = t.end_use_items
        rows = conn.execute(select(i.c.serial, i.c.state, i.c.site_id).where(i.c.package_id == "PKG-NL-1")).all()
        moved = {r.serial: (r.state, r.site_id) for r in rows}
        history = serial_history.history(conn, NL_PAC3[0].serial)["history"]
    assert [s for s, (state, site) in moved.items() if site == "ST-0002" and state == "held"] == [
        r.serial for r in NL_PAC3[:9]
    ] + [NL_PAC3[10].serial]
    assert moved[NL_PAC3[9].serial] == ("missing", "ST-0001")
    assert [h["what"] for h in history] == ["shipped", "received", "handed_over", "damaged"]
    with pytest.raises(RuleViolation, match="row 1: serial PAC3-NL-00001 is not held at site ST-0001"):
        again = custody.HandOver(from_site="DEP-01", to_site="DEP-02", handed_on="2026-02-05", serials=NL_PAC3[:1])
        bus.handle(demo_store, UA, again)


def test_custody_before_receipt_seller_to_hub_to_depot(demo_store):
    """The seller hands its dispatch's serials to the recipient's hub; the hub hands them on;
    they stay in transit until the receipt takes them into the recipient's custody."""
    from supplyline.services.end_use import custody

    rows = serial_rows("H", 4)
    sid = _send(demo_store, rows).id
    bus.handle(demo_store, UA, enduse.RegisterSite(code="HUB-1", name="Logistics hub (illustrative)"))
    before = event_count(demo_store)
    with pytest.raises(
        RuleViolation, match="row 1: serial H-00001 is shipped by US-GOV: only its seller hands it over"
    ):
        bus.handle(demo_store, UA, custody.HandOver(to_site="HUB-1", handed_on="2026-01-11", serials=rows))
    with pytest.raises(RuleViolation, match="row 1: serial H-00001 was not shipped by 2026-01-09"):
        bus.handle(demo_store, US, custody.HandOver(to_site="HUB-1", handed_on="2026-01-09", serials=rows))
    assert event_count(demo_store) == before
    leg = bus.handle(demo_store, US, custody.HandOver(to_site="HUB-1", handed_on="2026-01-11", serials=rows)).id
    bus.handle(demo_store, UA, custody.ConfirmHandover(handover_id=leg, confirmed_on="2026-01-12", damaged=rows[:1]))
    on = bus.handle(
        demo_store, UA, custody.HandOver(from_site="HUB-1", to_site="DEP-01", handed_on="2026-01-14", serials=rows)
    ).id
    bus.handle(demo_store, UA, custody.ConfirmHandover(handover_id=on, confirmed_on="2026-01-15"))
    with demo_store.read() as conn:
        i = t.end_use_items
        states = set(conn.execute(select(i.c.state, i.c.site_id).where(i.c.shipment_id == sid)).all())
        assert states == {("in_transit", "ST-0001")}
        h = t.handovers
        assert conn.execute(select(h.c.from_site_id, h.c.to_party).where(h.c.id == leg)).one() == ("", "UA-MOD")
    bus.handle(
        demo_store,
        UA,
        shipments.Receive(shipment_id=sid, received_on="2026-01-16", quantities={1: 4}, note="", site="DEP-01"),
    )
    with demo_store.read() as conn:
        history = serial_history.history(conn, "H-00001")["history"]
    assert [(h["on"], h["what"]) for h in history] == [
        ("2026-01-10", "shipped"),
        ("2026-01-11", "handed_over"),
        ("2026-01-12", "damaged"),
        ("2026-01-14", "handed_over"),
        ("2026-01-16", "received"),
    ]


def test_a_drone_deal_lots_serials_are_carried_on_by_its_shipments(demo_store):
    """Serials given when a lot is produced; its shipments take them, in the lot's order."""
    from supplyline.services.records import production

    jv = Actor("UA-US-JV")
    with demo_store.read() as conn:
        c, cl, pl = t.contracts, t.contract_lines, t.package_lines
        requirement = conn.execute(
            select(pl.c.requirement_id)
            .join(c, c.c.package_id == pl.c.package_id)
            .join(cl, (cl.c.contract_id == c.c.id) & (cl.c.package_line_no == pl.c.line_no))
            .where(c.c.id == "DD-PA-1", cl.c.line_no == 2)
        ).scalar_one()
    bus.handle(demo_store, Actor("NATO-NSATU"), enduse.RequireSerials(requirement=requirement))
    rows = serial_rows("DD", 5)
    before = event_count(demo_store)
    for given, message in [
        (rows[:4], "lot PO-DD-2-L001 has 5 units: 4 serial numbers given are too few"),
        ((*rows[:4], SerialRow(5, "PAC3-NL-00001")), "row 5: serial PAC3-NL-00001 is already in the ledger"),
    ]:
        with pytest.raises(RuleViolation, match=re.escape(message)):
            lot = production.RecordLot(order_id="PO-DD-2", quantity=5, produced_on="2026-01-05", serials=given)
            bus.handle(demo_store, jv, lot)
    assert event_count(demo_store) == before
    lot = production.RecordLot(order_id="PO-DD-2", quantity=5, produced_on="2026-01-05", serials=rows)
    bus.handle(demo_store, jv, lot)
    with pytest.raises(RuleViolation, match="row 2: serial DD-00002 is already in the ledger"):
        again = production.RecordLot(order_id="PO-DD-2", quantity=1, produced_on="2026-01-06", serials=rows[1:2])
        bus.handle(demo_store, jv, again)
    inspection = production.InspectLot(
        order_id="PO-DD-2", lot_id="PO-DD-2-L001", accepted=5, rejected=0, on="2026-01-06"
    )
    bus.handle(demo_store, jv, inspection)

    def ship(units: int) -> str:
        line = shipments.ShippedLine(2, units, (("PO-DD-2-L001", units),))
        return bus.handle(
            demo_store, jv, shipments.Dispatch(contract_id="DD-PA-1", shipped_on="2026-01-10", lines=(line,))
        ).id

    first, second = ship(3), ship(2)
    with demo_store.read() as conn:
        i = t.end_use_items
        shipped = dict(conn.execute(select(i.c.serial, i.c.shipment_id).where(i.c.serial.like("DD-%"))).all())
        history = serial_history.history(conn, "DD-00004")["history"]
    assert shipped == {r.serial: first for r in rows[:3]} | {r.serial: second for r in rows[3:]}
    assert [(h["on"], h["what"], h["manifest"]) for h in history] == [
        ("2026-01-05", "lot", "PO-DD-2-L001"),
        ("2026-01-10", "shipped", f"{second}.2"),
    ]
    with pytest.raises(RuleViolation, match="lot PO-DD-2-L001 has 0 accepted units left to ship, not 1"):
        ship(1)


def test_a_lost_shipments_serials_are_lost_with_it(demo_store):
    rows = serial_rows("L", 4)
    sid = _send(demo_store, rows).id
    bus.handle(demo_store, US, shipments.ReportLost(shipment_id=sid, reason="vessel sank", on="2026-01-20"))
    with demo_store.read() as conn:
        i = t.end_use_items
        states = set(conn.execute(select(i.c.state, i.c.disposed_on).where(i.c.shipment_id == sid)).all())
        history = serial_history.history(conn, "L-00003")["history"]
        proof = serial_history.prove(conn, "L-00003", f"{sid}.1.lost")
    assert states == {("lost", date(2026, 1, 20))}
    assert [(h["on"], h["what"]) for h in history] == [("2026-01-10", "shipped"), ("2026-01-20", "lost")]
    assert proof["index"] == 2 and proof["size"] == 4
    with pytest.raises(RuleViolation, match="row 1: serial L-00001 is lost and cannot be recorded stolen"):
        stolen = enduse.RecordDisposition(
            kind="stolen", disposed_on="2026-02-01", serials=rows, evidence_sha256=EVIDENCE
        )
        bus.handle(demo_store, US, stolen)


def test_the_serial_index_is_rebuilt_from_the_log_and_its_manifests(demo_store):
    """A lost shipment, a leg before receipt and a confirmed leg with its discrepancies, a
    check and a disposition: replayed from the log, the index is what the commands wrote."""
    from supplyline.services.end_use import custody, serial_rebuild
    from supplyline.services.log import checks

    sid = _send(demo_store, serial_rows("L", 4)).id
    bus.handle(demo_store, US, shipments.ReportLost(shipment_id=sid, reason="vessel sank", on="2026-01-20"))
    at_depot = (*NL_PAC3[:40], *NL_PAC3[50:])  # the demo handed ten on to a unit's store
    leg = bus.handle(
        demo_store, UA, custody.HandOver(from_site="DEP-01", to_site="DEP-02", handed_on="2026-01-05", serials=at_depot)
    ).id
    confirmation = custody.ConfirmHandover(
        handover_id=leg, confirmed_on="2026-01-06", missing=NL_PAC3[:1], damaged=NL_PAC3[1:2]
    )
    bus.handle(demo_store, UA, confirmation)
    bus.handle(
        demo_store, UA, enduse.RecordCheck(kind="initial", checked_on="2026-03-01", site="DEP-02", serials=NL_PAC3[1:])
    )
    assert serial_rebuild.check(demo_store) == []
    with demo_store.locked() as conn:
        i, s = t.end_use_items, t.manifest_serials
        conn.execute(i.update().where(i.c.serial == "PAC3-NL-00001").values(state="held"))
    (found,) = serial_rebuild.check(demo_store)
    assert str(found) == "end_use_items [PAC3-NL-00001].state: stored 'held', rebuilt 'missing'"
    assert checks.rebuild_projections(demo_store) > 156
    assert serial_rebuild.check(demo_store) == []
    with demo_store.locked() as conn:  # a serial changed beside the log
        conn.execute(s.update().where(s.c.manifest_id == f"{leg}.missing").values(serial="PAC3-NL-99999"))
    before = event_count(demo_store)
    with pytest.raises(
        RuleViolation,
        match=rf"a serial manifest disagrees with the log \(rebuilt: the log's\): manifest_serials \[{leg}.missing\].root",
    ):
        checks.rebuild_projections(demo_store)
    assert event_count(demo_store) == before
