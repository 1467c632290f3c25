"""The witness's HTTP interface (C2SP tlog-witness): ``POST /add-checkpoint`` and, for
monitors, ``GET /<SHA-256 of the origin, hex>/checkpoint``. A service of its own, apart from
the ledger's API: each party runs its witness with its own key."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from ..services.log.witness import Witness


def create_witness_app(witness: Witness) -> FastAPI:
    app = FastAPI(title="supplyline witness", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/add-checkpoint")
    async def add_checkpoint(request: Request) -> Response:
        body = await request.body()
        if len(body) > 1 << 16:
            return PlainTextResponse("the request is too large\n", status_code=400)
        answer = witness.add_checkpoint(body)
        # set as is: Starlette would append a charset to text/x.tlog.size, which the spec names bare
        return Response(answer.body, status_code=answer.status, headers={"Content-Type": answer.content_type})

    @app.get("/{origin_hash}/checkpoint")
    def checkpoint(origin_hash: str) -> Response:
        note = witness.latest(origin_hash) if len(origin_hash) == 64 and origin_hash.isalnum() else None
        if note is None:
            return PlainTextResponse("this witness has cosigned no checkpoint of that log\n", status_code=404)
        return PlainTextResponse(note)

    return app
