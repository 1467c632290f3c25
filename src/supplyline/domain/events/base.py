"""The base of every event class, its registry, and reading a stored event back.

Stored form (unchanged since the first ledger): the type name (the class name) and the
canonical JSON payload (``to_data``). Versions:

- ``VERSION`` is the shape the code records today. ``UNMARKED_UNTIL`` is the last version
  recorded without a marker: events written before versions were marked carry none, so
  their bytes, hashes and checkpoints never change. An event of a later version records it
  in its meta as ``"event_version": N``.
- An unmarked event's version is read from its shape by ``unmarked_version`` (one place per
  class; the default is ``UNMARKED_UNTIL``), since the ledger holds nothing else to tell it.
- Replay upcasts an older payload one step at a time with the class's
  ``upcast_vN_vN+1(data) -> data`` static methods, then reads it strictly (codec.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..errors import InvalidInput
from .codec import EventShapeError, from_data, to_data

#: Every event type the ledger can hold, by its stored name.
EVENT_TYPES: dict[str, type[Event]] = {}

#: The meta key an event of a marked version records it under.
VERSION_KEY = "event_version"


class Event:
    """A fact to append. Subclasses are frozen, keyword-only dataclasses, one per type."""

    VERSION: ClassVar[int] = 1
    UNMARKED_UNTIL: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__ in EVENT_TYPES:
            raise TypeError(f"two event classes are named {cls.__name__}")
        EVENT_TYPES[cls.__name__] = cls

    @property
    def type(self) -> str:
        return type(self).__name__

    @property
    def version(self) -> int:
        return self.VERSION

    @property
    def data(self) -> dict[str, Any]:
        """The payload as stored (before any field is withheld)."""
        return to_data(self)

    @property
    def marker(self) -> dict[str, int]:
        """What the event adds to its meta: its version, if versions are marked for it."""
        return {VERSION_KEY: self.VERSION} if self.VERSION > self.UNMARKED_UNTIL else {}

    @classmethod
    def unmarked_version(cls, data: Mapping[str, Any]) -> int:
        """The version of a payload recorded without a marker."""
        return cls.UNMARKED_UNTIL

    @classmethod
    def from_data(cls, data: Mapping[str, Any], version: int | None = None) -> Event:
        """The event stored as ``data`` in ``version`` (None: unmarked), upcast to today's shape."""
        if version is None:
            version = cls.unmarked_version(data)
        if not 1 <= version <= cls.VERSION:
            raise EventShapeError(f"{cls.__name__}: version {version} is not one this code reads (1–{cls.VERSION})")
        payload = dict(data)
        while version < cls.VERSION:
            payload = getattr(cls, f"upcast_v{version}_v{version + 1}")(payload)
            version += 1
        return from_data(cls, payload, cls.__name__)


def event_class(type_name: str) -> type[Event]:
    try:
        return EVENT_TYPES[type_name]
    except KeyError:
        raise InvalidInput("type", type_name, "is not an event type this code knows") from None


def read_event(type_name: str, data: Mapping[str, Any], meta: Mapping[str, Any] | None = None) -> Event:
    """A stored event as its typed class, in today's shape."""
    version = meta.get(VERSION_KEY) if meta else None
    return event_class(type_name).from_data(data, version)
