"""The witness's HTTP interface (C2SP tlog-witness): ``POST /add-checkpoint`` and, for
monitors, ``GET /<SHA-256 of the origin, hex>/checkpoint``. A service of its own, apart from
the ledger's API: each party runs its witness with its own key.

Plain Starlette, not FastAPI: two plain-text routes need no validation, schema or
dependencies, and the log waits for this answer after every commit; FastAPI's layers cost
about as much CPU per request as the witness's own checks and signature.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..services.log.witness import Witness

#: the largest request: an ``old`` line, 63 proof lines and a checkpoint with its signatures
MAX_REQUEST = 1 << 16


def create_witness_app(witness: Witness) -> Starlette:
    async def add_checkpoint(request: Request) -> Response:
        body = bytearray()
        async for chunk in request.stream():  # read no further than a request can be long
            body += chunk
            if len(body) > MAX_REQUEST:
                return PlainTextResponse("the request is too large\n", status_code=400)
        answer = witness.add_checkpoint(bytes(body))
        # set as is: Starlette would append a charset to text/x.tlog.size, which the spec names bare
        return Response(answer.body, status_code=answer.status, headers={"Content-Type": answer.content_type})

    def checkpoint(request: Request) -> Response:
        origin_hash = request.path_params["origin_hash"]
        note = witness.latest(origin_hash) if len(origin_hash) == 64 and origin_hash.isalnum() else None
        if note is None:
            return PlainTextResponse("this witness has cosigned no checkpoint of that log\n", status_code=404)
        return PlainTextResponse(note)

    return Starlette(
        routes=[
            Route("/add-checkpoint", add_checkpoint, methods=["POST"]),
            Route("/{origin_hash}/checkpoint", checkpoint, methods=["GET"]),
        ]
    )
