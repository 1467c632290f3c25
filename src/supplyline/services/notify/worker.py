"""The notification worker (``notify run``, and a thread of ``serve``): the outbox fed from
the log, each subscription's deliveries signed and sent in log order.

- **Fed from the log.** ``feed`` adds to the outbox, for each active subscription, the
  events of its types recorded after its ``fed_seq``, and moves ``fed_seq``, in one
  transaction: a crash before it commits feeds them again, after it they are in the outbox.
  Writers never touch the outbox, so a dead endpoint cannot slow them.
- **In order, at least once.** ``deliver`` sends each subscription's oldest pending event
  first and the next only after it was answered 2xx; a failure schedules a retry with
  exponential backoff (``base`` doubling up to ``cap`` seconds) and holds that
  subscription's later events back. Subscriptions are delivered side by side (threads), so
  an endpoint that hangs until the timeout delays only its own. An event is marked delivered after its answer: a crash
  between the two sends it again with the same ``webhook-id``, which receivers deduplicate.
- **What the subscriber may read.** Each payload is the event as ``GET /events`` answers it,
  decided for the subscriber's party and role by ``views.Viewer.events`` (the API's own
  rule): an event the subscriber may not read is marked ``withheld`` and never sent.
- **One worker per database.** ``run`` feeds and delivers only while it holds the
  database's worker lock (``lock.py``), so a second ``notify run`` or ``serve`` waits.
- **Signed.** Standard Webhooks headers (``webhook-id``, ``webhook-timestamp``,
  ``webhook-signature``) made with the ``standardwebhooks`` library and the subscription's
  secret.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from standardwebhooks import Webhook

from ...domain.access import Principal
from ...store import schema as t
from ...store.eventstore import Store
from ..access.ownership import Ownership
from ..access.views import Viewer
from ..reads.queries import EVENT_COLUMNS, event_item
from .lock import WorkerLock

log = logging.getLogger("supplyline.notify")


@dataclass(frozen=True)
class Backoff:
    base: float = 1.0  # seconds before the first retry
    cap: float = 300.0  # the longest wait between two attempts
    timeout: float = 5.0  # seconds an endpoint has to answer

    def after(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap, self.base * 2 ** max(attempts - 1, 0)))


def _now() -> datetime:
    return datetime.now(UTC)


def feed(store: Store, batch: int = 1000) -> int:
    """Move the log's new events into the outbox of each subscription wanting them."""
    s, o, e = t.subscriptions, t.notify_outbox, t.events
    added = 0
    with store.engine.begin() as conn:
        for sub in conn.execute(select(s).where(s.c.state == "active").order_by(s.c.id)).all():
            rows = conn.execute(
                select(e.c.seq, e.c.type).where(e.c.seq > sub.fed_seq).order_by(e.c.seq).limit(batch)
            ).all()
            if not rows:
                continue
            wanted = set(json.loads(sub.events))
            due = _now().isoformat()
            values = [
                {
                    "subscription_id": sub.id,
                    "seq": seq,
                    "webhook_id": f"msg_{sub.id}_{seq}",
                    "event_type": kind,
                    "state": "pending",
                    "attempts": 0,
                    "next_attempt_at": due,
                    "last_error": "",
                }
                for seq, kind in rows
                if kind in wanted
            ]
            if values:
                conn.execute(insert(o), values)
            conn.execute(update(s).where(s.c.id == sub.id).values(fed_seq=rows[-1].seq))
            added += len(values)
    return added


def _payload(conn: Connection, sub, seq: int) -> dict | None:
    """The event as the subscriber may read it through the API, or None."""
    row = conn.execute(select(*EVENT_COLUMNS).where(t.events.c.seq == seq)).mappings().one()
    item = event_item(row)
    viewer = Viewer(Principal(sub.party, sub.role), Ownership(conn))
    if not viewer.events([item]):
        return None
    return {"type": item["type"], "timestamp": item["recorded_at"], "data": item}


def _post(url: str, secret: str, webhook_id: str, body: str, timeout: float) -> int:
    stamp = _now()
    headers = {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, stamp, body),
        "user-agent": "supplyline-notify",
    }
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return int(answer.status)


def _attempt(store: Store, sub, row, backoff: Backoff) -> bool:
    """Send one outbox row; True when it is settled (delivered or withheld)."""
    o = t.notify_outbox
    key = (o.c.subscription_id == sub.id) & (o.c.seq == row.seq)
    with store.engine.connect() as conn:
        payload = _payload(conn, sub, row.seq)
    if payload is None:
        with store.engine.begin() as conn:
            conn.execute(update(o).where(key).values(state="withheld"))
        return True
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    status, error = None, ""
    try:
        status = _post(sub.url, sub.secret, row.webhook_id, body, backoff.timeout)
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    now = _now()
    ok = status is not None and 200 <= status < 300
    values: dict = {"attempts": row.attempts + 1, "last_status": status, "last_error": error}
    if ok:
        values |= {"state": "delivered", "delivered_at": now.isoformat()}
    else:
        values["next_attempt_at"] = (now + backoff.after(row.attempts + 1)).isoformat()
    with store.engine.begin() as conn:
        conn.execute(update(o).where(key).values(**values))
    return ok


def _deliver_stream(store: Store, sub, backoff: Backoff) -> int:
    """One subscription's pending events, oldest first, until one fails or is not yet due."""
    o = t.notify_outbox
    settled = 0
    while True:
        with store.engine.connect() as conn:
            row = conn.execute(
                select(o).where(o.c.subscription_id == sub.id, o.c.state == "pending").order_by(o.c.seq).limit(1)
            ).first()
        if row is None or row.next_attempt_at > _now().isoformat() or not _attempt(store, sub, row, backoff):
            return settled
        settled += 1


def deliver(store: Store, backoff: Backoff = Backoff(), *, streams: int = 8) -> int:
    """One pass over every subscription, up to ``streams`` of them at a time, so an endpoint
    that does not answer holds back only its own subscription. Returns how many settled."""
    s = t.subscriptions
    with store.engine.connect() as conn:
        subs = conn.execute(select(s).where(s.c.state == "active").order_by(s.c.id)).all()
    if len(subs) <= 1:
        return sum(_deliver_stream(store, sub, backoff) for sub in subs)
    with ThreadPoolExecutor(max_workers=min(streams, len(subs)), thread_name_prefix="supplyline-notify") as pool:
        return sum(pool.map(lambda sub: _deliver_stream(store, sub, backoff), subs))


def run(store: Store, stop: threading.Event, *, poll: float = 1.0, backoff: Backoff = Backoff()) -> None:
    """Feed and deliver until ``stop`` is set, while holding the database's worker lock (a
    second worker waits for it: ``lock.py``); a failed pass is logged and retried."""
    lock = WorkerLock(store)
    said = False
    try:
        while not stop.is_set():
            if not lock.acquire():
                if not said:
                    log.info("another notification worker holds this database's lock: waiting for it")
                    said = True
                stop.wait(poll)
                continue
            try:
                busy = feed(store) + deliver(store, backoff)
            except Exception:  # the worker outlives a database or endpoint hiccup; the next pass retries
                log.exception("a notification pass failed")
                busy = 0
            if not busy:
                stop.wait(poll)
    finally:
        lock.release()


def once(store: Store, backoff: Backoff = Backoff()) -> tuple[int, int] | None:
    """One pass (queued, settled), or None while another worker holds the lock."""
    lock = WorkerLock(store)
    if not lock.acquire():
        return None
    try:
        return feed(store), deliver(store, backoff)
    finally:
        lock.release()


def start(store: Store, *, poll: float = 1.0) -> threading.Event:
    """The worker on a daemon thread (``serve``); set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=run, args=(store, stop), kwargs={"poll": poll}, name="supplyline-notify", daemon=True
    ).start()
    return stop
