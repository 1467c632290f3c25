"""Moving a due date: the fixed reasons a seller or supplier may give, and the checks every
reschedule shares (contract delivery schedule entries and production orders alike).

The reasons are a fixed list so that lateness can be counted by cause across contracts;
the old and new dates stay in the event, so the first promise is never lost.
"""

from __future__ import annotations

from datetime import date, timedelta

from .errors import InvalidInput, RuleViolation
from .values import parse_choice, parse_date

RESCHEDULE_REASONS = (
    "production_capacity",
    "component_shortage",
    "quality_rework",
    "export_licence",
    "transport",
    "buyer_request",
    "force_majeure",
)


def new_due(what: str, old: date, value: object, *, not_before: date | None) -> date:
    """The new due date of ``what`` (due ``old``): a different day, not before ``not_before``."""
    due = parse_date("due", value)
    if due == old:
        raise RuleViolation(f"{what} is already due on {old.isoformat()}", field="due", value=due.isoformat())
    if not_before is not None and due < not_before:
        raise InvalidInput("due", due.isoformat(), f"is before {not_before.isoformat()}, when {what} was agreed")
    return due


def reason(value: object) -> str:
    return parse_choice("reason", value, RESCHEDULE_REASONS)


def months_elapsed(since: date, on: date) -> int:
    """Whole calendar months from ``since`` to ``on`` (0 if ``on`` is not later): due on
    30 April, on 2 December is 7 months late. A day past the end of a shorter month counts
    as reaching it (31 January to 28 February is one month)."""
    if on <= since:
        return 0
    months = (on.year - since.year) * 12 + on.month - since.month
    end_of_month = (on + timedelta(days=1)).month != on.month
    if on.day < since.day and not end_of_month:
        months -= 1
    return months


def lateness(due: date, on: date) -> dict[str, int]:
    """How late something due on ``due`` is on ``on``: days and whole months."""
    return {"days_late": max((on - due).days, 0), "months_late": months_elapsed(due, on)}
