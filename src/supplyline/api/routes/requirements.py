"""The recipient's prioritised requirements list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ...services.reads import queries
from ...services.records import requirements
from .. import listing
from ..commands import command_fields, send
from ..gate import Gate, acts, creating, existing, reading, updating, writing
from ..schemas.common import Category, OutcomeRead, RequirementState
from ..schemas.requirements import (
    ReprioritiseAction,
    RequirementCreate,
    RequirementDetailRead,
    RequirementPage,
    WithdrawAction,
)
from .common import Cursor, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["requirements"])


@router.get(
    "/requirements",
    response_model=RequirementPage,
    summary="The prioritised list, as far as visible",
    **acts("requirement.read"),
)
def list_requirements(
    gate: Gate = Depends(reading),
    month: Annotated[str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", description="as ranked in this month")] = None,
    state: RequirementState | None = None,
    category: Category | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    return listing.page(
        gate,
        "requirement",
        lambda c, page: plain_rows(
            queries.list_requirements(c, month=month, state=state, category=category, page=page)
        ),
        key=("priority", "rank", "id"),
        cursor=cursor,
        limit=limit,
    )


@router.get("/requirements/{requirement_id}", response_model=RequirementDetailRead, **acts("requirement.read"))
def get_requirement(requirement_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("requirement", requirement_id, lambda c: plain(queries.requirement(c, requirement_id)))


@router.post(
    "/requirements",
    status_code=201,
    response_model=OutcomeRead,
    summary="Draft a requirement line",
    **acts(requirements.DraftRequirement.ACTION),
)
def draft_requirement(body: RequirementCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("requirement", [body.recipient]),
        lambda: requirements.DraftRequirement.model_validate(command_fields(body)),
        payload=body,
        created="/api/v1/requirements",
    )


@router.post(
    "/requirements/{requirement_id}/submit",
    response_model=OutcomeRead,
    **acts(requirements.SubmitRequirement.ACTION),
)
def submit_requirement(requirement_id: PathId, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("requirement", requirement_id),
        lambda: requirements.SubmitRequirement(requirement_id=requirement_id),
    )


@router.post(
    "/requirements/{requirement_id}/validate",
    response_model=OutcomeRead,
    **acts(requirements.ValidateRequirement.ACTION),
)
def validate_requirement(requirement_id: PathId, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("requirement", requirement_id),
        lambda: requirements.ValidateRequirement(requirement_id=requirement_id),
    )


@router.post(
    "/requirements/{requirement_id}/withdraw",
    response_model=OutcomeRead,
    **acts(requirements.WithdrawRequirement.ACTION),
)
def withdraw_requirement(requirement_id: PathId, body: WithdrawAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("requirement", requirement_id),
        lambda: requirements.WithdrawRequirement(requirement_id=requirement_id, reason=body.reason, on=body.on),
        payload=body,
    )


@router.post(
    "/requirements/{requirement_id}/reprioritise",
    response_model=OutcomeRead,
    summary="Re-rank in a new month's list",
    **acts(requirements.Reprioritise.ACTION),
)
def reprioritise_requirement(requirement_id: PathId, body: ReprioritiseAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("requirement", requirement_id),
        lambda: requirements.Reprioritise.model_validate({**command_fields(body), "requirement_id": requirement_id}),
        payload=body,
    )
