"""Where the values of withheld fields live: beside the log, never in it.

The events carry commitments only (ledger/disclosure.py); the values and salts are rows of
``withheld_values``, keyed by the event's sequence number and the field. Replay (loading
entities, rebuilding projections) puts the real values back with ``real_payloads``;
``check`` is the part of `verify` that proves none was changed or deleted.
"""

from __future__ import annotations

import secrets as random
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Row

from ..ledger import disclosure
from ..ledger.canonical import canonical, parse
from ..ledger.chain import Finding
from ..ledger.disclosure import Secret, Withholding
from . import schema as t

_BATCH = 500


def new_salt() -> bytes:
    return random.token_bytes(disclosure.SALT_SIZE)


def seal(data: dict, rules: Mapping[str, Withholding]) -> tuple[dict, list[Secret]]:
    return disclosure.seal(data, rules, new_salt)


def save(conn: Connection, seq: int, secrets: Iterable[Secret]) -> None:
    rows = [{"seq": seq, "field": s.field, "value": canonical(s.value), "salt": s.salt.hex()} for s in secrets]
    if rows:
        conn.execute(insert(t.withheld_values), rows)


def secrets_of(conn: Connection, seqs: Iterable[int]) -> dict[int, list[Secret]]:
    wanted = sorted(set(seqs))
    out: dict[int, list[Secret]] = {}
    w = t.withheld_values
    for start in range(0, len(wanted), _BATCH):
        rows = conn.execute(
            select(w.c.seq, w.c.field, w.c.value, w.c.salt).where(w.c.seq.in_(wanted[start : start + _BATCH]))
        )
        for row in rows:
            out.setdefault(row.seq, []).append(disclosure.stored_secret(row.field, row.value, row.salt))
    return out


def real_payloads(conn: Connection, rows: Iterable[tuple[int, str]]) -> dict[int, dict]:
    """seq -> the payload with every withheld value put back, for (seq, stored payload) rows."""
    rows = list(rows)
    sealed = [seq for seq, text in rows if disclosure.has_markers(text)]
    found = secrets_of(conn, sealed) if sealed else {}
    return {
        seq: disclosure.unseal(parse(text), found.get(seq, ())) if seq in found else parse(text) for seq, text in rows
    }


def check(conn: Connection, *, marked: Iterable[int] | None = None) -> Finding | None:
    """The first event whose withheld values no longer open its commitments (changed or
    deleted), or whose stored values belong to no commitment. ``marked``: the events whose
    payload carries a withheld marker, if a scan already found them."""
    e, w = t.events, t.withheld_values
    problems: list[Finding] = []
    stored = secrets_of(conn, [row.seq for row in conn.execute(select(w.c.seq).distinct())])
    columns = select(e.c.seq, e.c.stream_id, e.c.type, e.c.payload)
    rows: Sequence[Row]
    if marked is None:
        rows = conn.execute(columns.where(e.c.payload.like(f'%"{disclosure.MARK}"%'))).all()
    else:
        wanted = sorted(set(marked))
        rows = [
            row
            for i in range(0, len(wanted), _BATCH)
            for row in conn.execute(columns.where(e.c.seq.in_(wanted[i : i + _BATCH])))
        ]
    seen: set[int] = set()
    for row in rows:
        seen.add(row.seq)
        label = f"event #{row.seq} ({row.type} on {row.stream_id})"
        payload = parse(row.payload)
        try:
            markers = disclosure.markers(payload)
        except disclosure.DisclosureError as exc:
            problems.append(Finding(row.seq, f"{label}: {exc}"))
            continue
        secrets = {s.field: s for s in stored.get(row.seq, ())}
        for field in sorted(markers.keys() | secrets.keys()):
            if field not in secrets:
                problems.append(
                    Finding(
                        row.seq, f"{label}: the withheld value of field '{field}' is missing (deleted after the fact)"
                    )
                )
                break
            try:
                disclosure.check(payload, secrets[field])
            except disclosure.DisclosureError as exc:
                problems.append(Finding(row.seq, f"{label}: {exc} (changed after the fact)"))
                break
    for seq in sorted(stored.keys() - seen):
        problems.append(Finding(seq, f"event #{seq}: withheld values are stored for it, but the event commits to none"))
    return min(problems, key=lambda f: f.seq) if problems else None
