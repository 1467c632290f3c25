"""Pledges of money and their allocation to package lines."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...services.reads import queries
from ...services.records import funding
from .. import listing
from ..commands import command_fields, send
from ..gate import Gate, acts, creating, existing, reading, updating, writing
from ..schemas.common import DatedAction, OutcomeRead, PledgeState
from ..schemas.funding import AllocationCreate, PledgeCreate, PledgeDetailRead, PledgePage
from .common import Cursor, FilterId, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["pledges"])


@router.get("/pledges", response_model=PledgePage, summary="Pledges: a funder sees its own", **acts("pledge.read"))
def list_pledges(
    gate: Gate = Depends(reading),
    funder: FilterId = None,
    state: PledgeState | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    return listing.page(
        gate,
        "pledge",
        lambda c, page: plain_rows(queries.list_pledges(c, funder=funder, state=state, page=page)),
        key=("pledged_on", "id"),
        cursor=cursor,
        limit=limit,
    )


@router.get(
    "/pledges/{pledge_id}",
    response_model=PledgeDetailRead,
    summary="A pledge and where its money went",
    **acts("pledge.read"),
)
def get_pledge(pledge_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("pledge", pledge_id, lambda c: plain(queries.pledge(c, pledge_id)))


@router.post(
    "/pledges",
    status_code=201,
    response_model=OutcomeRead,
    summary="Announce a pledge (the funder's own)",
    **acts(funding.AnnouncePledge.ACTION),
)
def announce_pledge(body: PledgeCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("pledge", [body.funder]),
        lambda: funding.AnnouncePledge.model_validate(command_fields(body)),
        payload=body,
        created="/api/v1/pledges",
    )


@router.post("/pledges/{pledge_id}/commit", response_model=OutcomeRead, **acts(funding.CommitPledge.ACTION))
def commit_pledge(pledge_id: PathId, body: DatedAction | None = None, gate: Gate = Depends(updating)):
    on = body.on if body else None
    return send(
        gate, existing("pledge", pledge_id), lambda: funding.CommitPledge(pledge_id=pledge_id, on=on), payload=body
    )


@router.post(
    "/pledges/{pledge_id}/expire",
    response_model=OutcomeRead,
    summary="Expire a pledge whose window has closed",
    **acts(funding.ExpirePledge.ACTION),
)
def expire_pledge(pledge_id: PathId, body: DatedAction | None = None, gate: Gate = Depends(updating)):
    on = body.on if body else None
    return send(
        gate, existing("pledge", pledge_id), lambda: funding.ExpirePledge(pledge_id=pledge_id, on=on), payload=body
    )


@router.post(
    "/pledges/{pledge_id}/allocations",
    status_code=201,
    response_model=OutcomeRead,
    summary="Assign part of a pledge to a package line",
    **acts(funding.Allocate.ACTION),
)
def allocate(pledge_id: PathId, body: AllocationCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("pledge", pledge_id),
        lambda: funding.Allocate.model_validate({**command_fields(body), "pledge_id": pledge_id}),
        payload=body,
        created=True,
    )
