"""What every service call carries: the store and who is acting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from ..domain.values import today_utc
from ..ledger.chain import StoredEvent
from ..store.db import make_engine
from ..store.eventstore import Store, UnitOfWork
from ..store.migrate import is_current, upgrade

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..domain.entity import Entity
    from ..store.merkle import TreeHook

E = TypeVar("E", bound="Entity")


@dataclass(frozen=True)
class Actor:
    """The acting party, and the credential it acted with (recorded in each event's meta)."""

    party: str
    token_id: str | None = None
    via: str = "cli"

    def meta(self) -> dict:
        meta: dict = {"via": self.via}
        if self.token_id:
            meta["token"] = self.token_id
        return meta


@dataclass
class Outcome:
    """What a command wrote: the id of the entity it concerns and the events appended."""

    id: str
    events: list[StoredEvent] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "events": [{"seq": e.seq, "stream_id": e.stream_id, "type": e.type, "hash": e.hash} for e in self.events],
        }


def open_store(url: str, *, create: bool = False) -> Store:
    """A store on the database at ``url``; with ``create`` its schema is brought to head."""
    engine = make_engine(url)
    if create:
        upgrade(engine)
    elif not is_current(engine):
        from ..domain.errors import Refused

        engine.dispose()
        raise Refused(f"the database at {url} is not initialised or not up to date: run `supplyline init`", field="db")
    store = Store(engine)
    store.append_hooks.append(_GrowTree())  # the Merkle tree grows in each append's transaction
    return store


class _GrowTree:
    """The store's Merkle hook (store/merkle.py ``TreeHook``), made at the first write: a
    store opened to read never loads the tree's code."""

    def __init__(self) -> None:
        self._hook: TreeHook | None = None

    def __call__(self, conn: Connection, stored: list[StoredEvent]) -> None:
        if self._hook is None:
            from ..store.merkle import TreeHook

            self._hook = TreeHook()
        self._hook(conn, stored)


def on_or_today(day: date | None) -> date:
    return day or today_utc()


def business_day(field: str, value: object) -> date:
    """The date a command says it happened on, or today (UTC) when it says none."""
    from ..domain.values import parse_date

    return parse_date(field, value) if value not in (None, "") else today_utc()


def moved(
    uow: UnitOfWork,
    cls: type[E],
    entity_id: str,
    decide: Callable[[E], list],
    expected_version: int | None = None,
    *,
    field: str | None = None,
) -> Outcome:
    """Load one existing entity, let the domain decide, record what it decided: the shape of
    every handler that moves one entity along its life cycle (``field`` names the input that
    gave the id, for the refusal when there is no such entity)."""
    entity = uow.load(cls, entity_id, field=field)
    return Outcome(entity.id, uow.record(entity, decide(entity), expected_version=expected_version))


@lru_cache(maxsize=8)
def _defaults(text: str) -> dict:
    from ..domain.disclosure import parse_defaults

    return parse_defaults(text)


def withholding(value: object, event_type: str) -> dict:
    """The fields a command withholds: what it states, over the deployment's defaults."""
    from .. import settings
    from ..domain.disclosure import parse_disclosure

    return parse_disclosure(value, event_type, _defaults(settings.load().default_disclosure).get(event_type, {}))
