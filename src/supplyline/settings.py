"""One settings object: environment variables with the SUPPLYLINE_ prefix, then defaults.

A plain class reading ``os.environ`` itself (names case-insensitive, values read as the
fields' types, unknown ``SUPPLYLINE_`` names ignored): every CLI command builds it, and a
list should not have to load a validation library to learn which database to open.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, cast

from .domain.values import DateWindow, set_date_window

PREFIX = "SUPPLYLINE_"


@dataclass(init=False)
class Settings:
    """Keyword arguments first, then ``SUPPLYLINE_<FIELD>`` from the environment, then defaults;
    a value that is not of its field's type is refused naming the field (ValueError)."""

    def __init__(self, **values: Any) -> None:
        given = {**_environment(), **values}
        for f in fields(self):
            value = _read(f.name, str(f.type), given[f.name]) if f.name in given else f.default
            object.__setattr__(self, f.name, value)

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
    amend_tolerance: Decimal = Decimal("0.10")  # at least 0, below 1
    earliest_date: date = date(2000, 1, 1)
    latest_date: date = date(2100, 12, 31)

    def apply(self) -> Settings:
        """Make the process-wide rules these settings carry take effect (the date window)."""
        set_date_window(DateWindow(self.earliest_date, self.latest_date))
        return self


def _environment() -> dict[str, str]:
    """The fields ``SUPPLYLINE_*`` variables set, by field name (any case, as a shell may spell it)."""
    names = {f.name for f in fields(Settings)}
    found = {}
    for name, value in os.environ.items():
        field = name[len(PREFIX) :].lower() if name.upper().startswith(PREFIX) else None
        if field in names:
            found[field] = value
    return found


_TRUE, _FALSE = {"1", "true", "yes", "on", "t", "y"}, {"0", "false", "no", "off", "f", "n"}


def _boolean(value: str) -> bool:
    if value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("not a boolean (true/false, yes/no, on/off, 1/0)")


def _tolerance(value: str) -> Decimal:
    try:
        share = Decimal(value.strip())
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not 0 <= share < 1:
        raise ValueError("must be at least 0 and below 1")
    return share


#: how a value given as text (the environment's) is read, by the field's declared type
_FROM_TEXT: dict[str, Callable[[str], Any]] = {
    "str": str,
    "str | None": str,
    "float": float,
    "int": int,
    "bool": _boolean,
    "Decimal": _tolerance,
    "date": date.fromisoformat,
}


#: what a value given as itself (a keyword argument) may be, by the field's declared type
_AS_ITSELF: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "str | None": (str,),
    "float": (int, float),
    "int": (int,),
    "bool": (bool,),
    "Decimal": (Decimal, int),
    "date": (date,),
}


def _read(name: str, kind: str, value: Any) -> Any:
    """``value`` as the field's type: text is read (the environment's), other values checked."""
    if value is None and kind.endswith("| None"):
        return None
    try:
        if isinstance(value, str):
            return _FROM_TEXT[kind](value)
        if not isinstance(value, _AS_ITSELF[kind]) or (isinstance(value, bool) and kind != "bool"):
            raise ValueError(f"not a {kind}")
        if kind == "Decimal":
            return _tolerance(str(value))
        return float(cast(float, value)) if kind == "float" else value
    except ValueError as exc:
        raise ValueError(f"setting {PREFIX}{name.upper()}: {value!r} is not valid ({exc})") from None


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
