"""The allocation optimiser: the best use of the pledges' remaining money on the prioritised
list (a proposal that never writes), and recording it as draft packages with allocations.
Both show every funder's money left, so they are the coordinator's (and the auditor's to
read)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from ...services.plans import allocation
from ...services.plans.plan_models import AllocationReport
from ..gate import Answer, Gate, acts, reading, writing
from ..schemas.allocation import AllocationPlanCreate, AllocationProposalRead, AllocationRecordedRead

router = APIRouter(tags=["allocation"])


def _tiers(report: AllocationReport) -> list[dict]:
    # figures as decimal text: answers are kept for Idempotency-Key replays, which hold no binary floats
    return [
        {
            **tier,
            **{k: f"{tier[k]:.6f}" for k in ("coverage", "bound", "greedy") if tier.get(k) is not None},
            "gap": f"{tier['gap']:.8f}",
        }
        for tier in report["tiers"]
    ]


@router.get(
    "/allocation-proposal",
    response_model=AllocationProposalRead,
    summary="Compute the optimal allocation of the money left, tier by tier, with explanations (never writes)",
    **acts("allocation.propose"),
)
def propose(
    gate: Gate = Depends(reading),
    on: Annotated[
        str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="allocation day (default today, UTC)")
    ] = None,
    currency: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USD",
    min_package: Annotated[str | None, Query(pattern=r"^[0-9]{1,15}(\.[0-9]{1,6})?$")] = None,
    time_limit: Annotated[int, Query(ge=1, le=60)] = 10,
    instant: bool = False,
    solver: Literal["race", "highs", "cbc"] = "race",
):
    cmd = allocation.RunAllocation(
        on=on,
        currency=currency,
        min_package=min_package,
        time_limit=time_limit,
        dry_run=True,
        instant=instant,
        solver=solver,
    )
    return gate.overall(
        lambda _conn, _caller: {**(report := allocation.prepare(gate.store, cmd).report()), "tiers": _tiers(report)}
    )


@router.post(
    "/allocations/optimal",
    status_code=201,
    response_model=AllocationRecordedRead,
    summary="Compute the optimal allocation and record it as draft packages with their allocations",
    **acts("allocation.record"),
)
def record(body: AllocationPlanCreate | None = None, gate: Gate = Depends(writing)):
    body = body or AllocationPlanCreate()
    cmd = allocation.RunAllocation(
        on=body.on,
        currency=body.currency,
        min_package=body.min_package,
        time_limit=body.time_limit,
        dry_run=False,
        sellers=dict(body.sellers),
    )
    # the solver runs before the write, not while every other writer waits for the ledger lock
    prepared = gate.overall(lambda _conn, _caller: allocation.prepare(gate.store, cmd))

    def run(actor, _version):
        report, appended = allocation.record(gate.store, actor, prepared, cmd.sellers)
        first = str(report["packages"][0]["package"]) if report["packages"] else ""
        events = [{"seq": e.seq, "stream_id": e.stream_id, "type": e.type, "hash": e.hash} for e in appended]
        return Answer(
            first,
            {
                "packages": report["packages"],
                "allocations": report["allocations"],
                "tiers": _tiers(report),
                "events": events,
            },
            appended,
        )

    return gate.write(None, run, payload=body, created=True)
