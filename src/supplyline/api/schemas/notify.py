"""Shapes of webhook subscriptions (issue 17, item 5)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, create_model

from ...services.reads import governance_models as gm
from ..derive import many, read_model


class SubscriptionCreate(BaseModel):
    """Subscribe the caller's party, in its token's role, to event types it may read."""

    url: str = Field(max_length=2000, description="where each event is POSTed (http:// or https://)")
    events: list[str] = Field(min_length=1, max_length=200, description="event types, e.g. DeliveryRescheduled")
    secret: str = Field(
        max_length=100, description="the Standard Webhooks signing secret (whsec_ and 24 to 64 bytes in base64)"
    )


class SubscriptionStateAction(BaseModel):
    """What to do with the subscription: pause it, resume it, or remove it for good."""

    change: Literal["pause", "resume", "remove"]


SubscriptionRead = read_model("SubscriptionRead", gm.Subscription, __name__, withheld=False)


SubscriptionPage = create_model("SubscriptionPage", items=(many(SubscriptionRead), ...), __module__=__name__)
