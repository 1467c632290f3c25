"""Webhook subscriptions (issue 17, item 5): a party subscribes to event types it may read;
``notify run`` (or ``serve``) delivers them, signed, as ``GET /events`` would show them."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...domain import access
from ...domain.access import Scope
from ...services.notify import subscriptions
from ..commands import send
from ..gate import Gate, acts, reading, writing
from ..schemas.common import OutcomeRead
from ..schemas.notify import SubscriptionCreate, SubscriptionPage, SubscriptionStateAction

router = APIRouter(tags=["notifications"])


@router.post(
    "/subscriptions",
    response_model=OutcomeRead,
    status_code=201,
    summary="Subscribe the caller's party to event types it may read (deliveries signed with the secret given)",
    **acts(subscriptions.AddSubscription.ACTION),
)
def add_subscription(body: SubscriptionCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        None,
        lambda: subscriptions.AddSubscription(url=body.url, events=tuple(body.events), secret=body.secret),
        payload=body,
        created=True,
    )


@router.post(
    "/subscriptions/{subscription_id}/state",
    response_model=OutcomeRead,
    summary="Pause, resume or remove one of the caller's party's subscriptions (another's is not found)",
    **acts(subscriptions.ChangeSubscription.ACTION),
)
def change_subscription(subscription_id: str, body: SubscriptionStateAction, gate: Gate = Depends(writing)):
    return send(
        gate,
        None,
        lambda: subscriptions.ChangeSubscription(subscription_id=subscription_id, change=body.change),
        payload=body,
    )


@router.get(
    "/subscriptions",
    response_model=SubscriptionPage,
    summary="The caller's party's subscriptions, every party's for an auditor (never their secrets)",
    **acts("subscription.read"),
)
def list_subscriptions(gate: Gate = Depends(reading)):
    def fetch(conn, principal):
        everyone = access.scope_of(principal.role, "subscription.read") is Scope.ANY
        return {"items": subscriptions.list_subscriptions(conn, None if everyone else principal.party)}

    return gate.overall(fetch)
