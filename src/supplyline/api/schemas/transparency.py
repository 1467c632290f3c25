"""The public log: public events, proofs and revealed values."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .common import Page
from .ledger import EventRead


class RevealedValueRead(BaseModel):
    value: Any
    salt: str


class PublicEventRead(EventRead):  # type: ignore[misc,valid-type] # EventRead is derived at import (api/derive.py)
    revealed: dict[str, RevealedValueRead] | None = Field(
        None, description="withheld fields whose embargo has passed: value and salt opening the commitment"
    )
    redacted: list[str] | None = Field(
        None,
        description="fields recorded in clear that repeat a value another event withholds: shown as "
        '{"$repeats": that event\'s marker}; this view does not rehash to its hash (docs/transparency.md)',
    )


class InclusionProofRead(BaseModel):
    leafIdx: int
    treeSize: int
    root: str
    leafHash: str
    proof: list[str]
    event: PublicEventRead


class ConsistencyProofRead(BaseModel):
    size1: int
    size2: int
    root1: str
    root2: str
    proof: list[str]


class RevealedRead(BaseModel):
    field: str
    value: Any
    salt: str


class RevealRead(InclusionProofRead):
    reveal: RevealedRead


class PublicEventPage(Page[PublicEventRead]):
    pass
