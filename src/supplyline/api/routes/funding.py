"""Pledges of money and their allocation to package lines."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...services import funding, queries
from ..gate import Gate, acts, creating, existing, reading, updating, writing
from ..schemas.common import DatedAction, OutcomeRead, PledgeState
from ..schemas.funding import AllocationCreate, PledgeCreate, PledgeDetailRead, PledgePage
from .common import Cursor, FilterId, Limit, PathId

router = APIRouter(tags=["pledges"])


@router.get("/pledges", response_model=PledgePage, summary="Pledges: a funder sees its own", **acts("pledge.read"))
def list_pledges(
    gate: Gate = Depends(reading),
    funder: FilterId = None,
    state: PledgeState | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    return gate.many(
        "pledge",
        lambda c: queries.list_pledges(c, funder=funder, state=state),
        key=lambda r: (r["pledged_on"], r["id"]),
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
    return gate.one("pledge", pledge_id, lambda c: queries.pledge(c, pledge_id))


@router.post(
    "/pledges",
    status_code=201,
    response_model=OutcomeRead,
    summary="Announce a pledge (the funder's own)",
    **acts("pledge.announce"),
)
def announce_pledge(body: PledgeCreate, gate: Gate = Depends(writing)):
    cmd = funding.AnnouncePledge(
        **{
            **body.model_dump(exclude={"disclose"}),
            "categories": tuple(body.categories),
            "origins": tuple(body.origins),
            "disclosure": body.disclose or {},
        }
    )
    return gate.write(
        creating("pledge", [body.funder]),
        lambda actor, _: funding.announce_pledge(gate.store, actor, cmd),
        payload=body,
        created="/api/v1/pledges",
    )


@router.post("/pledges/{pledge_id}/commit", response_model=OutcomeRead, **acts("pledge.commit"))
def commit_pledge(pledge_id: PathId, body: DatedAction | None = None, gate: Gate = Depends(updating)):
    on = body.on if body else None
    return gate.write(
        existing("pledge", pledge_id),
        lambda actor, v: funding.commit_pledge(gate.store, actor, pledge_id, on=on, expected_version=v),
        payload=body,
    )


@router.post(
    "/pledges/{pledge_id}/expire",
    response_model=OutcomeRead,
    summary="Expire a pledge whose window has closed",
    **acts("pledge.expire"),
)
def expire_pledge(pledge_id: PathId, body: DatedAction | None = None, gate: Gate = Depends(updating)):
    on = body.on if body else None
    return gate.write(
        existing("pledge", pledge_id),
        lambda actor, v: funding.expire_pledge(gate.store, actor, pledge_id, on=on, expected_version=v),
        payload=body,
    )


@router.post(
    "/pledges/{pledge_id}/allocations",
    status_code=201,
    response_model=OutcomeRead,
    summary="Assign part of a pledge to a package line",
    **acts("pledge.allocate"),
)
def allocate(pledge_id: PathId, body: AllocationCreate, gate: Gate = Depends(updating)):
    cmd = funding.Allocate(
        pledge_id, body.package_id, body.line_no, body.amount, body.currency, body.on, disclosure=body.disclose or {}
    )
    return gate.write(
        existing("pledge", pledge_id),
        lambda actor, v: funding.allocate(gate.store, actor, cmd, expected_version=v),
        payload=body,
        created=True,
    )
