"""The transparency log: signed checkpoints, the verifier key, inclusion and consistency
proofs, the public view of every event, and reveals of withheld fields to those entitled.

Proofs and reveals are answered with the exact bytes `supplyline proof …` and `supplyline
reveal` write (canonical JSON), so a saved answer is a file `supplyline audit …` checks.
"""

from __future__ import annotations

import logging
import pathlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from ...domain.errors import Refused
from ...ledger.note import Signer
from ...services.log import transparency
from ..cursors import decode_cursor, encode_cursor
from ..gate import Gate, acts, reading
from ..problems import ApiProblem
from ..schemas.transparency import ConsistencyProofRead, InclusionProofRead, PublicEventPage, RevealRead
from .common import Cursor, Limit

router = APIRouter(tags=["transparency log"])
log = logging.getLogger("supplyline.api")

EventRef = Annotated[
    str, Path(pattern=r"^([0-9]{1,12}|[0-9a-f]{64})$", description="the event's sequence number or its hash (64 hex)")
]
Size = Annotated[int | None, Query(ge=0, le=2**40, description="in the tree of the first SIZE events (default: all)")]
TEXT: dict[int | str, dict[str, Any]] = {200: {"content": {"text/plain": {"schema": {"type": "string"}}}}}


def _key_file(request: Request) -> pathlib.Path:
    return request.app.state.key_file


def _signer(request: Request, gate: Gate) -> Signer:
    try:
        return transparency.load_key(_key_file(request))
    except Refused as exc:  # the operator's set-up, not the caller's input; where the key lives stays private
        log.error("signing key unavailable: %s", exc.message)
        raise ApiProblem(
            503,
            "signing-key-unavailable",
            "this server cannot sign checkpoints: its operator has not set up the ledger's signing key "
            "(supplyline init)",
        ) from None


def _document(doc: dict) -> Response:
    return Response(transparency.document(doc), media_type="application/json")


@router.get(
    "/log/checkpoint",
    response_class=Response,
    responses=TEXT,
    summary="The ledger's Merkle tree head, signed (a C2SP checkpoint note)",
    **acts("log.checkpoint"),
)
def checkpoint(
    request: Request,
    gate: Gate = Depends(reading),
    size: Size = None,
    time: Annotated[bool, Query(description="add an extension line with the signing time (UTC)")] = False,
):
    def signed(_conn, _caller):
        signer = _signer(request, gate)
        if size is None and not time:  # the head as published: with its witnesses' cosignatures
            return transparency.published_checkpoint(gate.store, signer, _key_file(request))
        return transparency.checkpoint(gate.store, signer, size=size, with_time=time)

    return Response(gate.overall(signed).note, media_type="text/plain; charset=utf-8")


@router.get(
    "/log/key",
    response_class=Response,
    responses=TEXT,
    summary="The verifier key that checks this ledger's checkpoints (name+key ID+key)",
    **acts("log.key"),
)
def verifier_key(request: Request, gate: Gate = Depends(reading)):
    verifier = gate.overall(lambda _conn, _caller: _signer(request, gate).verifier)
    return Response(f"{verifier}\n", media_type="text/plain; charset=utf-8")


@router.get(
    "/log/events",
    response_model=PublicEventPage,
    response_model_exclude_unset=True,
    summary="The public log: every event as anyone may see it, in log order",
    **acts("log.read"),
)
def public_log(gate: Gate = Depends(reading), cursor: Cursor = None, limit: Limit = 100):
    after = 0
    if cursor:
        decoded = decode_cursor(cursor)
        if len(decoded) != 1 or not isinstance(decoded[0], int) or decoded[0] < 0:
            raise ApiProblem(422, "invalid-input", "cursor: is not a cursor this API returned", field="cursor")
        after = decoded[0]

    def page(conn, _caller):
        items = list(transparency.public_events(conn, after=after, limit=limit + 1))
        more = len(items) > limit
        return {"items": items[:limit], "next_cursor": encode_cursor((items[limit - 1]["seq"],)) if more else None}

    return gate.overall(page)


@router.get(
    "/log/events/{event}/inclusion",
    response_model=InclusionProofRead,
    summary="Proof that an event is in the log (with the event's public view)",
    **acts("log.prove"),
)
def inclusion_proof(event: EventRef, gate: Gate = Depends(reading), size: Size = None):
    return _document(gate.overall(lambda _conn, _caller: transparency.inclusion_proof(gate.store, event, size=size)))


@router.get(
    "/log/consistency",
    response_model=ConsistencyProofRead,
    summary="Proof that the tree of OLD_SIZE events is a prefix of the tree of NEW_SIZE events",
    **acts("log.prove"),
)
def consistency_proof(
    old_size: Annotated[int, Query(ge=0, le=2**40, description="the size of the older tree")],
    gate: Gate = Depends(reading),
    new_size: Annotated[int | None, Query(ge=0, le=2**40, description="default: the whole log")] = None,
):
    return _document(
        gate.overall(lambda _conn, _caller: transparency.consistency_proof(gate.store, old_size, new_size))
    )


@router.get(
    "/log/events/{event}/fields/{field}",
    response_model=RevealRead,
    summary="A withheld field's value and salt, with the inclusion proof of its event: for whoever its "
    "disclosure level names, and for anyone once its embargo has passed",
    **acts("event.reveal"),
)
def reveal(
    event: EventRef,
    field: Annotated[str, Path(pattern=r"^[a-z][a-z_]{0,39}$", description="the withheld field, e.g. amount")],
    gate: Gate = Depends(reading),
    size: Size = None,
):
    return _document(
        gate.withheld(
            lambda conn: transparency.withheld_field(conn, event, field),
            lambda: transparency.reveal(gate.store, event, field, size=size),
        )
    )
