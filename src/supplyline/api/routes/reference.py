"""Parties and FX rates: public reference data, recorded by the coordinator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ...services.reads import queries
from ...services.records import parties
from ..commands import command_fields, send
from ..gate import Gate, acts, creating, reading, writing
from ..schemas.common import OutcomeRead
from ..schemas.reference import FxRatePage, FxRatesCreate, PartyCreate, PartyPage, PartyRead
from .common import Cursor, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["parties and FX rates"])


@router.get("/parties", response_model=PartyPage, summary="All parties (public)", **acts("party.read"))
def list_parties(gate: Gate = Depends(reading), cursor: Cursor = None, limit: Limit = 50):
    return gate.many(
        "party", lambda c: plain_rows(queries.list_parties(c)), key=lambda r: (r["id"],), cursor=cursor, limit=limit
    )


@router.get("/parties/{party_id}", response_model=PartyRead, summary="One party (public)", **acts("party.read"))
def get_party(party_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("party", party_id, lambda c: plain(queries.party(c, party_id)))


@router.post(
    "/parties",
    status_code=201,
    response_model=OutcomeRead,
    summary="Register a party",
    **acts(parties.RegisterParty.ACTION),
)
def register_party(body: PartyCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("party", ()),
        lambda: parties.RegisterParty.model_validate(command_fields(body)),
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
        lambda c: plain_rows(queries.list_fx(c, currency=currency)),
        key=lambda r: (r["day"], r["currency"]),
        cursor=cursor,
        limit=limit,
    )


@router.post(
    "/fx-rates",
    response_model=OutcomeRead,
    summary="Record the reference rates of one day",
    **acts(parties.RecordRates.ACTION),
)
def record_rates(body: FxRatesCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("fx", ()),
        lambda: parties.RecordRates(day=body.day, rates=dict(body.rates), source=body.source),
        payload=body,
    )
