"""Notifications (issue 17, item 5): ``subscription add|pause|resume|remove|list`` and
``notify run``, the worker."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import typer

from ..services import bus
from .app import JSON, app, state
from .lazy import lazy
from .render import console, emit_json, table

if TYPE_CHECKING:
    from ..services.notify import subscriptions, worker
else:
    subscriptions = lazy("supplyline.services.notify.subscriptions")
    worker = lazy("supplyline.services.notify.worker")

subscription = typer.Typer(no_args_is_help=True, help="Webhook subscriptions to the ledger's events.")
app.add_typer(subscription, name="subscription")
notify = typer.Typer(no_args_is_help=True, help="Deliver the subscriptions' events.")
app.add_typer(notify, name="notify")


@subscription.command("add")
def subscription_add(
    ctx: typer.Context,
    url: str = typer.Option(..., "--url", help="where to POST each event (http:// or https://)"),
    events: str = typer.Option(..., "--events", help="event types, comma-separated (e.g. DeliveryRescheduled)"),
    secret: str | None = typer.Option(None, "--secret", help="whsec_… (default: a new one, printed once)"),
    role: str | None = typer.Option(None, "--role", help="the party's role (default: that of its API tokens)"),
    as_json: bool = JSON,
) -> None:
    """Subscribe the acting party (--as) to event types it may read."""
    st = state(ctx)
    key = secret or subscriptions.new_secret()
    cmd = subscriptions.AddSubscription(url=url, events=events, secret=key, role=role)
    done = bus.handle(st.store(), st.acting, cmd)
    if as_json:
        emit_json({"id": done.id, "secret": key})
        return
    console.print(f"subscription {done.id}; its signing secret (shown once): {key}", markup=False, highlight=False)


def _change(ctx: typer.Context, subscription_id: str, change: str) -> None:
    st = state(ctx)
    cmd = subscriptions.ChangeSubscription(subscription_id=subscription_id, change=change)
    done = bus.handle(st.store(), st.acting, cmd)
    console.print(f"subscription {done.id}: {subscriptions.CHANGES[change][1]}", markup=False, highlight=False)


@subscription.command("pause")
def subscription_pause(ctx: typer.Context, subscription_id: str = typer.Argument(...)) -> None:
    """Hold the acting party's subscription's deliveries (the events wait for resume)."""
    _change(ctx, subscription_id, "pause")


@subscription.command("resume")
def subscription_resume(ctx: typer.Context, subscription_id: str = typer.Argument(...)) -> None:
    """Deliver again, starting with what was recorded while paused."""
    _change(ctx, subscription_id, "resume")


@subscription.command("remove")
def subscription_remove(ctx: typer.Context, subscription_id: str = typer.Argument(...)) -> None:
    """End the acting party's subscription for good."""
    _change(ctx, subscription_id, "remove")


@subscription.command("list")
def subscription_list(
    ctx: typer.Context,
    party: str | None = typer.Option(None, "--party", help="one party's (default: all)"),
    as_json: bool = JSON,
) -> None:
    """Subscriptions, without their secrets."""
    with state(ctx).reader().read() as conn:
        rows = subscriptions.list_subscriptions(conn, party)
    if as_json:
        emit_json(rows)
        return
    table(
        "subscriptions",
        [{**r, "events": ", ".join(r["events"])} for r in rows],
        [("id", "id"), ("party", "party"), ("role", "role"), ("url", "url"), ("events", "events"), ("fed_seq", "fed")],
    )


@notify.command("run")
def notify_run(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="one pass (feed, deliver what is due), then stop"),
    poll: float = typer.Option(1.0, "--poll", min=0.05, help="seconds between passes when idle"),
    backoff_base: float = typer.Option(1.0, "--backoff-base", min=0.01, help="seconds before the first retry"),
    backoff_cap: float = typer.Option(300.0, "--backoff-cap", min=0.01, help="the longest wait between retries"),
) -> None:
    """The notification worker: feeds the outbox from the log and delivers it, until stopped."""
    store = state(ctx).store()
    backoff = worker.Backoff(base=backoff_base, cap=backoff_cap)
    if once:
        done = worker.once(store, backoff)
        if done is None:
            console.print("another notification worker is running on this database: nothing done")
            raise typer.Exit(1)
        console.print(f"{done[0]} queued, {done[1]} settled")
        return
    stop = threading.Event()
    try:
        worker.run(store, stop, poll=poll, backoff=backoff)
    except KeyboardInterrupt:
        stop.set()
