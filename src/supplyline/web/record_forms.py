"""The dashboard's forms on pledges and shipments (issue 21 item 5): a funder announces a
pledge and commits it; a package's recipient confirms what arrived, with what was short and
why. Each sends the command the API's endpoint sends (``api/routes/funding.py``,
``api/routes/shipments.py``).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from ..domain.access import Principal
from ..domain.values import CATEGORIES, MECHANISMS
from ..services.access import ownership
from ..services.bus import Command
from ..services.reads import queries
from ..services.records import funding, shipments
from .acting import About, Posted
from .form_kit import N_, Field, Form, Spec, add_form


def _listed(text: str) -> tuple[str, ...]:
    """Comma-separated choices (earmarks), as the CLI takes them."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _announce(_record_id: str, party: str, posted: Posted) -> Command:
    return funding.AnnouncePledge(
        funder=party,
        currency=posted.get("currency").upper(),
        amount=posted.get("amount"),
        pledged_on=posted.get("pledged_on"),
        valid_until=posted.get("valid_until") or None,
        categories=_listed(posted.get("categories")),
        mechanism=posted.get("mechanism"),
        note=posted.get("note"),
        id=posted.get("id") or None,
        commit=posted.get("commit") == "yes",
    )


ANNOUNCE = Spec(
    Form(
        N_("Announce a pledge"),
        N_("Your government's pledge of money: announced, and committed once it is binding."),
        N_("Announce"),
        (
            Field("id", N_("Pledge id"), hint=N_("optional: one is made from your party and the date")),
            Field("amount", N_("Amount"), "number", required=True),
            Field("currency", N_("Currency"), required=True, hint=N_("three letters, e.g. EUR"), default="EUR"),
            Field("pledged_on", N_("Pledged on"), "date", required=True),
            Field("valid_until", N_("Valid until"), "date", hint=N_("open-ended when left empty")),
            Field("mechanism", N_("Mechanism"), "select", tuple((m, m.replace("_", " ")) for m in MECHANISMS)),
            Field(
                "categories",
                N_("Only for these categories"),
                hint=N_("optional earmarks, separated by commas: %(choices)s"),
                values={"choices": ", ".join(CATEGORIES)},
            ),
            Field("note", N_("Note"), "textarea"),
            Field("commit", N_("Also record it as committed"), "check"),
        ),
    ),
    funding.AnnouncePledge.ACTION,
    "/pledges/new",
    "/act",
    lambda _id, principal: About("pledge", owners=[principal.party or ""]),
    lambda _conn, _id: {},
    _announce,
    done=lambda _record, pledge_id: f"/act?done={pledge_id}",
)


def _pledge(conn: Connection, pledge_id: str) -> dict:
    return dict(queries.pledge(conn, pledge_id))


COMMIT = Spec(
    Form(
        N_("Commit the pledge"),
        N_("The pledge is binding: its money may be allocated to packages."),
        N_("Commit"),
        (Field("on", N_("On"), "date", hint=N_("the day it was done; today when left empty")),),
    ),
    funding.CommitPledge.ACTION,
    "/pledges/{}/act/commit",
    "/act",
    lambda pledge_id, _principal: About("pledge", pledge_id),
    _pledge,
    lambda pledge_id, _party, posted: funding.CommitPledge(pledge_id=pledge_id, on=posted.get("on") or None),
    summary=lambda p: f"{p['id']}: {p['amount_currency']} {p['amount']} ({p['state']})",
)


add_form(ANNOUNCE)
add_form(COMMIT, "pledge_id")


# --- a receipt --------------------------------------------------------------------------------


def _shipment(conn: Connection, shipment_id: str) -> dict:
    return dict(queries.shipment(conn, shipment_id))


def _receipt_fields(shipment: dict) -> tuple[Field, ...]:
    """One quantity per line shipped, as the domain names them (``lines[2].quantity``), so a
    refusal about a line lands beside its input."""
    lines = tuple(
        Field(
            f"lines[{line['contract_line_no']}].quantity",
            N_("Received of contract line %(line)s"),
            "number",
            hint=N_("%(shipped)s shipped"),
            default=str(line["quantity"]),
            values={"line": line["contract_line_no"], "shipped": f"{line['quantity']:,}"},
        )
        for line in shipment.get("lines", ())
    )
    return (
        Field("received_on", N_("Received on"), "date", required=True),
        *lines,
        Field("note", N_("What was short, damaged or wrong"), "textarea", hint=N_("needed when fewer arrived")),
        Field("site", N_("Site"), hint=N_("the site that took serialised items in")),
    )


def _receive(shipment_id: str, _party: str, posted: Posted) -> Command:
    quantities = {
        key[len("lines[") : -len("].quantity")]: value.strip()
        for key, value in posted.values.items()
        if key.startswith("lines[") and key.endswith("].quantity")
    }
    return shipments.Receive(
        shipment_id=shipment_id,
        received_on=posted.get("received_on"),
        quantities=quantities or None,
        note=posted.get("note"),
        site=posted.get("site") or None,
    )


def _receiver(shipment_id: str, _principal: Principal) -> About:
    # as the API's receipt endpoint: the package's recipient confirms, not the seller or supplier
    return About("shipment", shipment_id, acting=lambda conn: ownership.shipment_receiver(conn, shipment_id))


RECEIVE = Spec(
    Form(
        N_("Confirm the receipt"),
        N_("What arrived, line by line; say what was short or damaged."),
        N_("Confirm receipt"),
    ),
    shipments.Receive.ACTION,
    "/shipments/{}/act/receive",
    "/act",
    _receiver,
    _shipment,
    _receive,
    fields=_receipt_fields,
    done=lambda shipment_id, _id: f"/act?done={shipment_id}",
    summary=lambda s: f"{s['id']}: {s['contract_id']}, shipped {s['shipped_on']} ({s['state']})",
)


add_form(RECEIVE, "shipment_id")
