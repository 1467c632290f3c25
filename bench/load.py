"""Load a synthetic allocation instance into a ledger, fast but through the domain.

Every event is decided by the same domain functions the services use (announce, commit,
draft, submit, validate, register, record rates) and appended by the event store with its
hash chain and projections, in one write transaction; only the per-command transactions
of the CLI are skipped, which is what makes 150,000 events take seconds rather than minutes.
"""

from __future__ import annotations

from supplyline.domain import fx as fx_domain
from supplyline.domain import party as party_domain
from supplyline.domain import pledge as pledge_domain
from supplyline.domain import requirement as requirement_domain
from supplyline.domain.fx import FxRecord
from supplyline.domain.money import Money
from supplyline.domain.party import Party
from supplyline.domain.pledge import Pledge
from supplyline.domain.requirement import Requirement
from supplyline.engines.allocation import Instance
from supplyline.store.eventstore import Store

PARTIES = [
    ("UA-MOD", "Ministry of Defence of Ukraine", "government", "UA"),
    ("US-GOV", "United States Government", "government", "US"),
    ("UA-GOV", "Government of Ukraine", "government", "UA"),
]


def load(store: Store, instance: Instance) -> int:
    """Write the instance's parties, rates, requirements and pledges; returns the events written."""
    funders = sorted({p.funder for p in instance.pledges})
    with store.write("NATO-NSATU", {"via": "bench"}) as uow:
        for pid, name, kind, country in PARTIES + [(f, f"Funder {f}", "government", None) for f in funders]:
            party = uow.get(Party, pid)
            uow.record(party, party_domain.register(party, name=name, kind=kind, country=country))
        for day in instance.fx_days:
            record = uow.get(FxRecord, day.day.isoformat())
            uow.record(
                record,
                fx_domain.record_rates(record, rates={c: str(r) for c, r in day.per_eur.items()}, source=day.source),
            )
        ids = [n.requirement_id for n in instance.needs]
        uow.preload(Requirement, ids)
        for need in instance.needs:
            req = uow.get(Requirement, need.requirement_id)
            events = requirement_domain.draft(
                req,
                recipient=need.recipient,
                list_month="2026-02",
                priority=need.tier,
                rank=need.rank,
                item=need.item,
                category=need.category,
                quantity=need.quantity,
                unit=need.unit or "unit",
                unit_price=Money.from_minor(need.unit_price_minor, need.currency),
                origin=need.origin,
                min_lot=need.min_lot,
                whole_only=need.whole_only,
            )
            draft = Requirement(id=req.id)
            for event in events:
                draft.apply(event)
            events += requirement_domain.submit(draft)
            draft.apply(events[-1])
            events += requirement_domain.validate(draft, by="NATO-NSATU")
            uow.record(req, events)
        uow.preload(Pledge, [p.id for p in instance.pledges])
        for p in instance.pledges:
            assert p.amount is not None and p.pledged_on is not None  # synthetic pledges are announced ones
            pledge = uow.get(Pledge, p.id)
            events = pledge_domain.announce(
                pledge,
                funder=p.funder,
                amount=p.amount,
                pledged_on=p.pledged_on,
                mechanism=p.mechanism,
                categories=p.categories,
                origins=p.origins,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                note="synthetic (benchmark)",
            )
            uow.record(pledge, events)
            uow.record(pledge, pledge_domain.commit(pledge, on=p.pledged_on))
        return len(uow.appended)
