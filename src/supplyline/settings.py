"""One settings object: environment variables with the SUPPLYLINE_ prefix, then defaults.

The model is plain pydantic reading ``os.environ`` itself (names case-insensitive, values
validated as the fields' types, unknown ``SUPPLYLINE_`` names ignored): every CLI command
builds it, and pydantic-settings' sources cost more to import than a list takes to run.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .domain.values import DateWindow, set_date_window

PREFIX = "SUPPLYLINE_"


class Settings(BaseModel):
    """Keyword arguments first, then ``SUPPLYLINE_<FIELD>`` from the environment, then defaults."""

    model_config = ConfigDict(extra="ignore")

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**_environment(type(self)), **values})

    #: any SQLAlchemy URL; the embedded default is a SQLite file in the working directory
    db: str = "sqlite:///supplyline.db"
    #: PostgreSQL streaming replicas of ``db`` that the API's and the dashboard's reads go to,
    #: separated by spaces or commas (store/replicas.py); empty: every read on ``db``
    read_db: str = ""
    #: seconds a writer's next read waits for a replica to replay its write before reading ``db``
    read_db_wait: float = 0.5
    #: the party recorded as acting for commands typed at the CLI
    actor: str = "operator"
    #: prefix of OCDS contracting-process ids; a publisher registers its own with the Open
    #: Contracting Partnership (see docs/interchange.md) and sets it here
    ocid_prefix: str = "ocds-splyln"
    #: the ledger's Ed25519 signing key file (default: next to the SQLite file, see store/keyfile.py)
    signing_key: str | None = None
    #: the log's name (checkpoint origin and key name) given to a key created by `init`
    log_name: str = "supplyline.local/ledger"
    #: disclosure levels that apply unless a command states one, over the built-in ones:
    #: ``EventType.field=LEVEL[@EMBARGO]`` separated by commas (see domain/disclosure.py)
    default_disclosure: str = ""
    #: where documents' bytes are kept: a directory or an fsspec URL (default: beside the
    #: SQLite file, ``<db>.blobs/``; see store/blobs.py)
    blobs: str | None = None
    #: a tlog-policy file whose ``witness NAME KEY URL`` lines name the witnesses asked to
    #: cosign each new checkpoint (see services/log/witnessing.py); unset: no witnesses
    witness_policy: str | None = None
    #: seconds to wait for one witness's answer before going on without its cosignature
    witness_timeout: float = 2.0
    #: the first and last day a user may name (pledges, validity, allocations, FX days,
    #: schedules, receipts…); reports walk months between dates they hold, so this bounds them
    #: the largest request body the API reads, other than uploads (413 above it)
    max_body_bytes: int = 2**20
    #: hours a dashboard sign-in lasts (the session then ends on the server)
    session_hours: float = 8.0
    #: mark the dashboard's cookies Secure even when the request did not come over HTTPS
    #: (behind a proxy that ends TLS); over HTTPS they always are
    secure_cookies: bool = False
    #: how far a contract line's unit price may move from its signed price by a modification,
    #: which takes effect at once; beyond it a price change is an amendment its parties accept
    amend_tolerance: Decimal = Field(default=Decimal("0.10"), ge=0, lt=1)
    earliest_date: date = date(2000, 1, 1)
    latest_date: date = date(2100, 12, 31)

    def apply(self) -> Settings:
        """Make the process-wide rules these settings carry take effect (the date window)."""
        set_date_window(DateWindow(self.earliest_date, self.latest_date))
        return self


def _environment(model: type[BaseModel]) -> dict[str, str]:
    """The fields ``SUPPLYLINE_*`` variables set, by field name (any case, as a shell may spell it)."""
    found = {}
    for name, value in os.environ.items():
        field = name[len(PREFIX) :].lower() if name.upper().startswith(PREFIX) else None
        if field in model.model_fields:
            found[field] = value
    return found


def load(**overrides: Any) -> Settings:
    """Settings from the environment, with the non-None ``overrides`` (validated by the model) on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        return Settings(**given)
    # a write asks for the settings per command: the same environment gives the same settings
    return _from(tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIX))))


@lru_cache(maxsize=4)
def _from(environment: tuple[tuple[str, str], ...]) -> Settings:
    return Settings()
