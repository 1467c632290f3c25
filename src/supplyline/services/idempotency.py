"""The first answer to each Idempotency-Key, so that a retried request writes nothing twice.

``remember`` runs inside the write transaction of the request it answers for (see
``Store.transaction``): the key and the events commit together or not at all, and because
writers hold the ledger lock, a retry waiting for that lock finds the key once it has it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ..ledger.canonical import canonical, parse
from ..store import schema as t
from ..store.eventstore import utc_timestamp


@dataclass(frozen=True)
class Remembered:
    request_sha256: str
    status: int
    headers: dict[str, str]
    body: object


def fingerprint(*parts: object) -> str:
    """A digest of what a request asked for; a key reused for a different request is refused."""
    return hashlib.sha256(canonical(list(parts)).encode("utf-8")).hexdigest()


def body_text(answer: Remembered) -> str:
    """The answer's body as canonical JSON: the first answer and every replay are the same bytes."""
    return canonical(answer.body)


def recall(conn: Connection, token_id: str, key: str) -> Remembered | None:
    k = t.api_idempotency
    row = conn.execute(
        select(k.c.request_sha256, k.c.status, k.c.response).where(k.c.token_id == token_id, k.c.key == key)
    ).one_or_none()
    if row is None:
        return None
    saved = parse(row.response)
    return Remembered(row.request_sha256, row.status, saved["headers"], saved["body"])


def remember(conn: Connection, token_id: str, key: str, answer: Remembered) -> None:
    conn.execute(
        insert(t.api_idempotency).values(
            token_id=token_id,
            key=key,
            request_sha256=answer.request_sha256,
            status=answer.status,
            response=canonical({"headers": answer.headers, "body": answer.body}),
            recorded_at=utc_timestamp(),
        )
    )
