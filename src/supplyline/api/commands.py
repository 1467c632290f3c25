"""How an endpoint runs a write: it builds the command from the request and the gate runs it
through the bus, the same handler the CLI's command runs.

The command is built inside the gate's transaction, after the gate has decided who may act
on what: a record the caller may not read is answered 404 before any value in the body is
judged, as before a command existed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from ..services import bus
from ..services.bus import Command
from ..services.context import Actor, Outcome
from .gate import About, Gate


def send(
    gate: Gate,
    about: About | None,
    build: Callable[[], Command],
    *,
    payload: BaseModel | None = None,
    created: str | bool = False,
) -> Response:
    """Authorise the endpoint's action on ``about`` and run the command ``build`` makes.

    The command's ``ACTION`` must be the action the endpoint declared (``acts``): one row of
    the policy table per command, whichever interface sends it."""

    def run(actor: Actor, expected: int | None) -> Outcome:
        cmd = build()
        if gate.action != cmd.ACTION:
            raise RuntimeError(f"{type(cmd).__name__} is {cmd.ACTION}, but the endpoint declares {gate.action}")
        return bus.handle(gate.store, actor, cmd, expected_version=expected)

    return gate.write(about, run, payload=payload, created=created)


def command_fields(body: BaseModel) -> dict[str, Any]:
    """A request body's fields as its command takes them (the body's ``disclose`` is the
    command's ``disclosure``); the command parses them."""
    fields = body.model_dump()
    if "disclose" in fields:
        fields["disclosure"] = fields.pop("disclose")
    return fields
