"""The prioritised list's monthly versions (issue 17, item 1): proposed, approved by the
recipient, the coordinator and the seller, compared; a submitted line returned to draft."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from ...services.reads import lists as reads
from ...services.records import lists
from ..commands import command_fields, send
from ..gate import Gate, acts, creating, existing, reading, updating, writing
from ..schemas.common import OutcomeRead
from ..schemas.lists import (
    ListDiffRead,
    ListVersionApprovalCreate,
    ListVersionCreate,
    ListVersionDetailRead,
    ListVersionPage,
    RequirementReturnAction,
)
from .common import Cursor, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["list versions"])


@router.get(
    "/list-versions",
    response_model=ListVersionPage,
    summary="The list versions the caller may see",
    **acts("list_version.read"),
)
def list_versions(gate: Gate = Depends(reading), cursor: Cursor = None, limit: Limit = 50):
    return gate.many(
        "list_version",
        lambda c: plain_rows(reads.list_versions(c)),
        key=lambda r: (r["id"],),
        cursor=cursor,
        limit=limit,
    )


@router.get("/list-versions/{version_id}", response_model=ListVersionDetailRead, **acts("list_version.read"))
def get_list_version(version_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("list_version", version_id, lambda c: plain(reads.list_version(c, version_id)))


@router.get(
    "/list-versions/{version_id}/diff",
    response_model=ListDiffRead,
    summary="What changed from version ?against= to this one: lines added, removed, re-ranked",
    **acts("list_version.read"),
)
def list_diff(
    version_id: PathId,
    against: str = Query(..., pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
    gate: Gate = Depends(reading),
):
    gate.one("list_version", against, lambda c: plain(reads.list_version(c, against)))  # the caller may read both
    return gate.one("list_version", version_id, lambda c: plain(reads.list_diff(c, against, version_id)))


@router.post(
    "/list-versions",
    status_code=201,
    response_model=OutcomeRead,
    summary="Publish the recipient's list as ranked today as the month's version, for approval",
    **acts(lists.ProposeListVersion.ACTION),
)
def propose_list_version(body: ListVersionCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("list_version", [body.recipient, body.coordinator, body.seller]),
        lambda: lists.ProposeListVersion.model_validate(body.model_dump()),
        payload=body,
        created="/api/v1/list-versions",
    )


@router.post(
    "/list-versions/{version_id}/approvals",
    response_model=OutcomeRead,
    summary="Approve a list version as the token's own party; the last approval puts it in force",
    **acts(lists.ApproveListVersion.ACTION),
)
def approve_list_version(
    version_id: PathId, body: ListVersionApprovalCreate | None = None, gate: Gate = Depends(updating)
):
    on = body.on if body else None
    return send(
        gate,
        existing("list_version", version_id),
        lambda: lists.ApproveListVersion(version_id=version_id, on=on),
        payload=body,
    )


@router.post(
    "/requirements/{requirement_id}/return",
    response_model=OutcomeRead,
    summary="Return a submitted line to its recipient's draft, with the reason (the coordinator)",
    **acts(lists.ReturnRequirement.ACTION),
)
def return_requirement(requirement_id: PathId, body: RequirementReturnAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("requirement", requirement_id),
        lambda: lists.ReturnRequirement.model_validate({**command_fields(body), "requirement_id": requirement_id}),
        payload=body,
    )
