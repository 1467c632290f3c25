"""Parties and FX rates: public reference data, recorded by the coordinator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ...services import parties, queries
from ..gate import Gate, acts, creating, reading, writing
from ..schemas.common import OutcomeRead
from ..schemas.reference import FxRatePage, FxRatesCreate, PartyCreate, PartyPage, PartyRead
from .common import Cursor, Limit, PathId

router = APIRouter(tags=["parties and FX rates"])


@router.get("/parties", response_model=PartyPage, summary="All parties (public)", **acts("party.read"))
def list_parties(gate: Gate = Depends(reading), cursor: Cursor = None, limit: Limit = 50):
    return gate.many("party", queries.list_parties, key=lambda r: (r["id"],), cursor=cursor, limit=limit)


@router.get("/parties/{party_id}", response_model=PartyRead, summary="One party (public)", **acts("party.read"))
def get_party(party_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("party", party_id, lambda c: queries.party(c, party_id))


@router.post(
    "/parties", status_code=201, response_model=OutcomeRead, summary="Register a party", **acts("party.register")
)
def register_party(body: PartyCreate, gate: Gate = Depends(writing)):
    cmd = parties.RegisterParty(body.id, body.name, body.kind, body.country)
    return gate.write(
        creating("party", ()),
        lambda actor, _: parties.register_party(gate.store, actor, cmd),
        payload=body,
        created="/api/v1/parties",
    )


@router.get(
    "/fx-rates",
    response_model=FxRatePage,
    summary="Dated FX reference rates, units per EUR (public)",
    **acts("fx.read"),
)
def list_fx(
    gate: Gate = Depends(reading),
    currency: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    return gate.many(
        None,
        lambda c: queries.list_fx(c, currency=currency),
        key=lambda r: (r["day"], r["currency"]),
        cursor=cursor,
        limit=limit,
    )


@router.post(
    "/fx-rates", response_model=OutcomeRead, summary="Record the reference rates of one day", **acts("fx.record")
)
def record_rates(body: FxRatesCreate, gate: Gate = Depends(writing)):
    cmd = parties.RecordRates(body.day, dict(body.rates), body.source)
    return gate.write(creating("fx", ()), lambda actor, _: parties.record_rates(gate.store, actor, cmd), payload=body)
