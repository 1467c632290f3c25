"""How the database cuts an event's fields out of the bytes its hash covers.

``body`` is ``ledger.chain.hash_input`` as text: ten newline-separated fields (format,
sequence, stream, stream version, time, actor, type, canonical meta, canonical payload,
previous hash). No field holds a raw newline (identifiers are constrained, canonical JSON
escapes control characters), and nothing before the meta object holds a ``{``, which is
what lets SQLite, with no split function, find each field in a fixed number of steps:

- the head (format … type) ends just before the first ``{``; turned into a JSON array of
  strings it yields each of its fields with one ``json_extract``;
- the meta object runs from that ``{`` to the next newline, the payload from there to the
  newline before the last 64 characters, which are the previous hash.

PostgreSQL has ``split_part``. These expressions are part of what `verify` checks on
SQLite: a changed expression would show other values than the ones hashed.
"""

from __future__ import annotations

from sqlalchemy import Computed
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

#: the fields, in their order inside ``body`` after the format line and the sequence number
HEAD_FIELDS = ("stream_id", "stream_version", "recorded_at", "actor", "type")

_META_START = "instr(body, '{')"
_HEAD = f"""('["' || replace(substr(body, 1, {_META_START} - 2), char(10), '","') || '"]')"""
_PAYLOAD_START = f"({_META_START} + instr(substr(body, {_META_START}), char(10)))"


def _head(position: int) -> str:
    return f"json_extract({_HEAD}, '$[{position}]')"


SQLITE: dict[str, str] = {
    "stream_id": _head(2),
    "stream_version": f"CAST({_head(3)} AS INTEGER)",
    "recorded_at": _head(4),
    "actor": _head(5),
    "type": _head(6),
    "meta": f"substr(body, {_META_START}, instr(substr(body, {_META_START}), char(10)) - 1)",
    "payload": f"substr(body, {_PAYLOAD_START}, length(body) - 64 - {_PAYLOAD_START})",
    "prev_hash": "substr(body, -64)",
}

_PG_POSITION = {
    "stream_id": 3,
    "stream_version": 4,
    "recorded_at": 5,
    "actor": 6,
    "type": 7,
    "meta": 8,
    "payload": 9,
    "prev_hash": 10,
}
POSTGRESQL: dict[str, str] = {
    name: (
        f"CAST(split_part(body, chr(10), {n}) AS INTEGER)"
        if name == "stream_version"
        else f"split_part(body, chr(10), {n})"
    )
    for name, n in _PG_POSITION.items()
}


class EventField(ColumnElement):
    """The generation expression of one event field, written for each database."""

    inherit_cache = True
    _traverse_internals: _TraverseInternalsType = [("name", InternalTraversal.dp_string)]

    def __init__(self, name: str):
        if name not in SQLITE:
            raise ValueError(f"not an event field: {name}")
        self.name = name


@compiles(EventField, "sqlite")
def _sqlite(element: EventField, compiler, **kw) -> str:
    return SQLITE[element.name]


@compiles(EventField, "postgresql")
def _postgresql(element: EventField, compiler, **kw) -> str:
    return POSTGRESQL[element.name]


@compiles(EventField)
def _other(element: EventField, compiler, **kw) -> str:
    raise CompileError(f"no event field expression for {compiler.dialect.name}")


@compiles(Computed, "postgresql")
def _stored(element: Computed, compiler, **kw) -> str:
    """PostgreSQL before 18 has only stored generated columns, SQLite computes them on read
    by default: one table definition serves both."""
    expression = compiler.sql_compiler.process(element.sqltext, include_table=False, literal_binds=True)
    return f"GENERATED ALWAYS AS ({expression}) STORED"


#: the payload keys other records are found by (``store/repeats.py``): each has an index, so
#: finding the events that name one record does not read every event of their type
REFERENCE_KEYS = ("allocation_id", "contract_id", "package_id", "requirement_id")


class PayloadKey(ColumnElement):
    """The value of one top-level key of an event's payload, as text, as an index holds it."""

    inherit_cache = True
    _traverse_internals: _TraverseInternalsType = [("key", InternalTraversal.dp_string)]

    def __init__(self, key: str):
        if key not in REFERENCE_KEYS:
            raise ValueError(f"not an indexed payload key: {key}")
        self.key = key


@compiles(PayloadKey, "sqlite")
def _sqlite_key(element: PayloadKey, compiler, **kw) -> str:
    return f"json_extract(payload, '$.{element.key}')"


@compiles(PayloadKey, "postgresql")
def _postgresql_key(element: PayloadKey, compiler, **kw) -> str:
    return f"(CAST(payload AS jsonb) ->> '{element.key}')"
