"""The demo's moving schedules (issue 17): a delivery that slipped, with its reason.

The second 60 PAC-3 interceptors of CT-NL-1 (entry 2, due 2026-02-28) wait on an export
licence, so the seller moves them to 31 May on 20 February: still late in December, when
``report late --as-of 2026-12-02`` lists them beside the Drone Deal's late orders.

Germany's first shipment, SH-DE-1 (40,000 rounds sent 10 February, expected 13 March), is
held at the border: the seller moves its expected arrival to 30 April on 9 March. It never
arrives in the demo, so in December it is 216 days past the day it was expected.

Before the schedules move, two funders subscribe to them (issue 17, item 5): the Netherlands
and Canada, to ``DeliveryRescheduled`` and ``ShipmentArrivalExpected``, at a loopback
address nothing listens on (the demo sends nothing anywhere). The notification worker
queues CT-NL-1's reschedule and SH-DE-1's moved arrival for both; it would deliver the
reschedule to the Netherlands, which paid for CT-NL-1, and withhold everything from Canada.
"""

from __future__ import annotations

from ...store.eventstore import Store
from .. import bus
from ..context import Actor
from ..notify import subscriptions
from ..records import contracts, shipments

US = Actor("US-GOV", via="demo")
#: where the demo's subscriptions point: the discard port on loopback, refused at once
DEMO_HOOK = "http://127.0.0.1:9/supplyline-demo"


def slips(store: Store) -> None:
    for funder in ("NL-GOV", "CA-GOV"):
        follow = subscriptions.AddSubscription(
            url=f"{DEMO_HOOK}/{funder}",
            events="DeliveryRescheduled,ShipmentArrivalExpected",
            secret=subscriptions.new_secret(),
            role="funder",
        )
        bus.handle(store, Actor(funder, via="demo"), follow)
    move = contracts.RescheduleDelivery(
        contract_id="CT-NL-1", entry=2, due="2026-05-31", reason="export_licence", on="2026-02-20"
    )
    bus.handle(store, US, move)
    arrival = shipments.ExpectArrival(
        shipment_id="SH-DE-1", expected_arrival="2026-04-30", reason="transport", on="2026-03-09"
    )
    bus.handle(store, US, arrival)
