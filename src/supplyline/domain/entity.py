"""Events and the event-sourced entity they build.

An entity is the fold of its stream's events: ``apply`` is the only way its state changes,
so replaying the ledger rebuilds it exactly. Decisions are plain functions that read an
entity and return new events; they never mutate anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from .errors import InvalidInput
from .events import Event


def stream_id(kind: str, entity_id: str) -> str:
    return f"{kind}:{entity_id}"


@dataclass
class Entity:
    """Base of every stream's state. Subclasses define ``KIND`` and one typed handler
    ``_on_<EventType>(self, event: EventType)`` per event class of ``domain.events``."""

    KIND: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""

    id: str
    version: int = field(default=0, kw_only=True)

    @property
    def stream(self) -> str:
        return stream_id(self.KIND, self.id)

    @property
    def exists(self) -> bool:
        return self.version > 0

    def apply(self, event: Event) -> None:
        handler = getattr(self, f"_on_{event.type}", None)
        if handler is None:
            raise ValueError(f"{self.LABEL} cannot apply event type {event.type}")
        handler(event)
        self.version += 1


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def numbered_line(entity: Entity, lines: dict, line_no: int):
    """Line ``line_no`` of a package or contract, or a refusal naming both."""
    if line_no not in lines:
        raise InvalidInput("line", line_no, f"{entity.LABEL} '{entity.id}' has no line {line_no}")
    return lines[line_no]


def require_exists(entity: Entity) -> None:
    from .errors import NotFound

    if not entity.exists:
        raise NotFound(entity.LABEL, entity.id)


def require_new(entity: Entity) -> None:
    from .errors import AlreadyExists

    if entity.exists:
        raise AlreadyExists(entity.LABEL, entity.id)


def unique(field_name: str, values: list[Any]) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise InvalidInput(field_name, value, "appears more than once")
        seen.add(value)
