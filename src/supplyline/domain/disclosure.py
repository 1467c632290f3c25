"""Disclosure levels: who may see a field of a pledge, package, contract or delivery.

- public: everyone (the value is in the log as is; the default, except as DEFAULTS says)
- parties: the parties to the record (funder, seller, recipient, approvers, buyer, supplier)
- confidential: the party that recorded it, and auditors

A non-public field may carry an embargo date from which it becomes public. A command states
the level of each field it withholds, e.g. ``amount=confidential@2027-01-01`` or
``{"amount": {"level": "confidential", "embargo": "2027-01-01"}}``; only the fields listed
in the table (``domain/disclosure_table.py``) for the event it records may be withheld
(identifiers and references never are, so the records still link up in public).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..ledger.disclosure import LEVELS, Withholding
from .disclosure_table import DEFAULTS, WITHHOLDABLE, record_name
from .errors import InvalidInput
from .values import parse_date

#: which fields each record may withhold, their default levels and how a refusal names the
#: record: all read from the one table (``domain/disclosure_table.py``)
_RECORD = {event_type: record_name(event_type) for event_type in WITHHOLDABLE}


def _one(field: str, spec: Any, where: str) -> Withholding:
    embargo: str | None
    if isinstance(spec, str):
        level, _, until = spec.partition("@")
        embargo = until or None
    elif isinstance(spec, Mapping) and set(spec) <= {"level", "embargo"} and "level" in spec:
        level, embargo = spec["level"], spec.get("embargo")
    else:
        raise InvalidInput(where, spec, "give LEVEL[@EMBARGO] or {level, embargo}")
    if level not in LEVELS:
        raise InvalidInput(where, level, f"the disclosure level of '{field}' must be one of {', '.join(LEVELS)}")
    day = parse_date(f"{where}.embargo", embargo).isoformat() if embargo not in (None, "") else None
    if level == "public" and day is not None:
        raise InvalidInput(
            where,
            f"{level}@{day}",
            "an embargo keeps a withheld field until a date: give the level "
            "(parties or confidential) it has until then",
        )
    return Withholding(level, day)


def parse_disclosure(
    value: object, event_type: str, defaults: Mapping[str, Withholding] | None = None
) -> dict[str, Withholding]:
    """The withheld fields of a command recording ``event_type``: field -> level and embargo.

    ``value`` is a list of ``FIELD=LEVEL[@YYYY-MM-DD]`` texts (the CLI) or a mapping
    ``{field: LEVEL | {"level", "embargo"}}`` (the API); a field it does not name takes its
    level from ``defaults`` (``DEFAULTS`` when None), else public; ``FIELD=public`` makes a
    defaulted field public."""
    base = dict(DEFAULTS.get(event_type, {}) if defaults is None else defaults)
    if value in (None, "", (), [], {}):
        return base
    allowed = WITHHOLDABLE[event_type]
    if isinstance(value, Mapping):
        items = [(str(k), v, f"disclose.{k}") for k, v in value.items()]
    elif isinstance(value, (list, tuple)):
        items = []
        for i, text in enumerate(value):
            field, sep, spec = str(text).partition("=")
            if not sep:
                raise InvalidInput(f"disclose[{i}]", text, "expected FIELD=LEVEL[@EMBARGO], e.g. amount=confidential")
            items.append((field.strip(), spec.strip(), f"disclose[{i}]"))
    else:
        raise InvalidInput("disclose", value, "expected a list of FIELD=LEVEL[@EMBARGO] or a mapping")
    out, given = base, set()
    for field, spec, where in items:
        if field not in allowed:
            raise InvalidInput(where, field, f"{_RECORD[event_type]} can withhold only: {', '.join(allowed)}")
        if field in given:
            raise InvalidInput(where, field, "is given more than once")
        given.add(field)
        rule = _one(field, spec, where)
        if rule.level == "public":
            out.pop(field, None)
        else:
            out[field] = rule
    return out


def parse_defaults(text: str) -> dict[str, dict[str, Withholding]]:
    """A deployment's default levels, ``EventType.field=LEVEL[@EMBARGO]`` separated by commas
    (e.g. ``ContractSigned.lines=parties,PackageLineAdded.unit_price=parties``), over DEFAULTS."""
    out = {event: dict(fields) for event, fields in DEFAULTS.items()}
    for i, part in enumerate(p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        name, sep, spec = part.partition("=")
        event_type, dot, field = name.strip().partition(".")
        where = f"default_disclosure[{i + 1}]"
        if not sep or not dot or event_type not in WITHHOLDABLE:
            raise InvalidInput(
                where, part, f"expected EventType.field=LEVEL with EventType one of {', '.join(WITHHOLDABLE)}"
            )
        if field not in WITHHOLDABLE[event_type]:
            raise InvalidInput(
                where, field, f"{_RECORD[event_type]} can withhold only: {', '.join(WITHHOLDABLE[event_type])}"
            )
        rule = _one(field, spec.strip(), where)
        if rule.level == "public":
            out.setdefault(event_type, {}).pop(field, None)
        else:
            out.setdefault(event_type, {})[field] = rule
    return out
