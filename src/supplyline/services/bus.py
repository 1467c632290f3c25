"""The one way to write: a command says what to do, the bus finds the handler that does it.

Every write is a ``Command``: a small frozen model whose fields are parsed once, when it is
built (amounts to ``Money``, dates to ``date``…), so that handlers and domain functions take
typed values. Each command class names its policy action (``ACTION``, a row of
``domain/access.py``), which the API's gate decides by. Each has exactly one handler,
registered with ``@handles``::

    class CommitPledge(Command):
        ACTION: ClassVar[str] = "pledge.commit"
        pledge_id: str
        on: BusinessDay = TODAY

    @handles(CommitPledge)
    def commit_pledge(uow: UnitOfWork, actor: Actor, cmd: CommitPledge, expected: int | None) -> Outcome:
        ...

The CLI builds the command from its options and the API from the request body; both hand
it to ``handle``, which opens the unit of work (one transaction), runs the handler and
returns what was written. ``handle_in`` runs a command inside a unit of work already open,
for the callers that record many in one transaction (imports, the optimiser).

The registry is filled as the service modules are imported; ``handler_for`` imports them
all first, so a command is found whichever module the caller happened to import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

from ..domain.access import POLICY
from ..store.eventstore import Store, UnitOfWork
from .context import Actor, Outcome, withholding

#: the modules that register handlers (imported before the first look-up)
HANDLER_MODULES = (
    "records.funding",
    "records.requirements",
    "records.packages",
    "records.agreement",
    "records.lists",
    "records.contracts",
    "records.amendments",
    "records.production",
    "records.shipments",
    "records.parties",
    "end_use.enduse",
    "end_use.custody",
    "money_flow.money",
    "evidence.documents",
    "evidence.findings",
    "notify.subscriptions",
)


class Command(BaseModel):
    """One write, as the user asked for it, with every field parsed.

    ``ACTION`` is the command's row in the policy table. ``WITHHOLDS`` names the event whose
    fields the command's ``disclosure`` may withhold: a command with it gets its
    ``disclosure`` field parsed (FIELD=LEVEL[@EMBARGO] texts or a mapping) over the
    deployment's defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    ACTION: ClassVar[str]
    WITHHOLDS: ClassVar[str | None] = None

    @model_validator(mode="before")
    @classmethod
    def _parse_disclosure(cls, data: Any) -> Any:
        if cls.WITHHOLDS is not None and isinstance(data, dict):
            data = {**data, "disclosure": withholding(data.get("disclosure"), cls.WITHHOLDS)}
        return data


C = TypeVar("C", bound=Command)
Handler = Callable[[UnitOfWork, Actor, Any, "int | None"], Outcome]

_HANDLERS: dict[type[Command], Handler] = {}


def handles(command: type[C]) -> Callable[[Callable[[UnitOfWork, Actor, C, int | None], Outcome]], Any]:
    """Register the decorated function as the one handler of ``command``."""
    action = getattr(command, "ACTION", None)
    if action not in POLICY:
        raise KeyError(f"{command.__name__}.ACTION {action!r} has no row in the policy table (domain/access.py)")

    def register(handler: Callable[[UnitOfWork, Actor, C, int | None], Outcome]) -> Any:
        if command in _HANDLERS:
            raise ValueError(f"{command.__name__} already has a handler ({_HANDLERS[command].__qualname__})")
        _HANDLERS[command] = handler
        return handler

    return register


def _register_all() -> None:
    for name in HANDLER_MODULES:
        importlib.import_module(f"{__package__}.{name}")


def handler_for(command: type[Command]) -> Handler:
    """The handler of ``command``, or of the command it refines (an imported pledge is a pledge
    announced)."""
    _register_all()
    for kind in command.__mro__:
        if kind in _HANDLERS:
            return _HANDLERS[kind]
    raise LookupError(f"no handler is registered for {command.__name__}")


def commands() -> dict[type[Command], Handler]:
    """Every registered command and its handler (for the documentation and its test)."""
    _register_all()
    return dict(_HANDLERS)


def handle(store: Store, actor: Actor, cmd: Command, *, expected_version: int | None = None) -> Outcome:
    """Run ``cmd`` in one transaction; ``expected_version`` (an If-Match) guards the stream
    the command moves."""
    handler = handler_for(type(cmd))
    with store.write(actor.party, actor.meta()) as uow:
        return handler(uow, actor, cmd, expected_version)


def handle_in(uow: UnitOfWork, actor: Actor, cmd: Command, *, expected_version: int | None = None) -> Outcome:
    """Run ``cmd`` inside a unit of work already open (an import records many in one)."""
    return handler_for(type(cmd))(uow, actor, cmd, expected_version)
