"""Who agrees to a package before its seller decides (issue 17, item 2).

Each mechanism's packages pass the steps its configuration names (ledger configuration:
``ApprovalStepsConfigured`` on the mechanism's own stream, never a constant here):
``validation`` by the coordinator, who may instead return the package to draft with its
reasons, and ``concurrence`` of every funder whose pledge pays for it, each concurring or
objecting with a reason. A mechanism nobody configured asks for neither. An approval is
refused while a step is missing (``StepsOutstanding``: 409, naming who), and nothing is
written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .entity import Entity, Event, require_exists
from .errors import InvalidInput, RuleViolation
from .events import ApprovalStepsConfigured, FunderConcurrenceRecorded, PackageReturned, PackageValidated
from .values import MECHANISMS, parse_choice, parse_text

STEPS = ("validation", "concurrence")
VERDICTS = ("concur", "object")


@dataclass
class ApprovalSteps(Entity):
    """The steps one mechanism's packages pass before approval (the stream ``approval_steps:<mechanism>``)."""

    KIND = "approval_steps"
    LABEL = "approval steps"

    steps: tuple[str, ...] = ()
    configured_on: date | None = None

    def _on_ApprovalStepsConfigured(self, e: ApprovalStepsConfigured) -> None:
        self.steps, self.configured_on = e.steps, e.on


def configure(rules: ApprovalSteps, *, steps: Iterable[str], on: date) -> list[Event]:
    parse_choice("mechanism", rules.id, MECHANISMS)
    chosen = [parse_choice("steps", s, STEPS) for s in steps]
    if len(set(chosen)) != len(chosen):
        raise InvalidInput("steps", list(chosen), "name each step once")
    return [ApprovalStepsConfigured(steps=tuple(s for s in STEPS if s in chosen), on=on)]


@dataclass(frozen=True)
class Step:
    """One thing done towards a package's approval, as recorded."""

    step: str  # validation | concurrence
    party: str
    verdict: str  # validated | returned | concur | object
    reason: str
    on: date


@dataclass(frozen=True)
class CheckItem:
    """One line of a package's checklist: a step, who must take it, and what they did."""

    step: str
    party: str  # the funder; for a validation the coordinator who validated, or "coordinator"
    verdict: str | None  # validated, concur, object; None while waiting
    reason: str = ""
    on: date | None = None

    @property
    def done(self) -> bool:
        return self.verdict in ("validated", "concur")


@dataclass
class Agreement:
    """What a package's entity keeps of its steps (a field of ``Package``)."""

    history: list[Step] = field(default_factory=list)

    def current(self) -> list[Step]:
        """The steps since the package was last returned to draft."""
        returned = [i for i, s in enumerate(self.history) if s.verdict == "returned"]
        return self.history[returned[-1] + 1 :] if returned else list(self.history)

    def on_validated(self, e: PackageValidated) -> None:
        self.history.append(Step("validation", e.by, "validated", "", e.on))

    def on_returned(self, e: PackageReturned) -> None:
        self.history.append(Step("validation", e.by, "returned", e.reasons, e.on))

    def on_concurrence(self, e: FunderConcurrenceRecorded) -> None:
        self.history.append(Step("concurrence", e.funder, e.verdict, e.reason, e.on))


def checklist(required: Iterable[str], current: list[Step], funders: Iterable[str]) -> list[CheckItem]:
    """The package's checklist: each required step, and the last thing done for it."""
    items: list[CheckItem] = []
    wanted = set(required)
    if "validation" in wanted:
        done = [s for s in current if s.step == "validation"]
        last = done[-1] if done else None
        items.append(
            CheckItem("validation", last.party, last.verdict, last.reason, last.on)
            if last
            else CheckItem("validation", "coordinator", None)
        )
    if "concurrence" in wanted:
        for funder in sorted(set(funders)):
            said = [s for s in current if s.step == "concurrence" and s.party == funder]
            last = said[-1] if said else None
            items.append(CheckItem("concurrence", funder, last.verdict if last else None, *_said(last)))
    return items


def _said(step: Step | None) -> tuple[str, date | None]:
    return (step.reason, step.on) if step else ("", None)


def missing(items: Iterable[CheckItem]) -> list[str]:
    """Who has not done what the checklist asks, in words (an objection counts as missing)."""
    out = []
    for item in items:
        if item.done:
            continue
        if item.step == "validation":
            out.append("validation by the coordinator")
        elif item.verdict == "object":
            out.append(f"concurrence of {item.party} (objected: {item.reason})")
        else:
            out.append(f"concurrence of {item.party}")
    return out


def _require_proposed(package_id: str, state: str, action: str) -> None:
    if state != "proposed":
        raise RuleViolation(
            f"package '{package_id}' is {state}: it can be {action} only while proposed",
            field="state",
            value=state,
        )


def validate(package: Entity, state: str, *, by: str, on: date, required: Iterable[str]) -> list[Event]:
    require_exists(package)
    _require_proposed(package.id, state, "validated")
    if "validation" not in set(required):
        raise RuleViolation(
            f"package '{package.id}': its mechanism's packages are not validated (its steps: "
            f"{', '.join(required) or 'none'})",
            field="step",
            value="validation",
        )
    return [PackageValidated(by=by, on=on)]


def return_to_draft(package: Entity, state: str, *, by: str, reasons: str, on: date) -> list[Event]:
    require_exists(package)
    _require_proposed(package.id, state, "returned")
    return [PackageReturned(by=by, reasons=parse_text("reasons", reasons), on=on)]


def concur(
    package: Entity, state: str, *, funder: str, verdict: str, reason: str, on: date, funders: Iterable[str]
) -> list[Event]:
    require_exists(package)
    _require_proposed(package.id, state, "concurred with")
    paying = sorted(set(funders))
    if funder not in paying:
        raise RuleViolation(
            f"{funder} pays for nothing in package '{package.id}' (its funders: {', '.join(paying) or 'none yet'})",
            field="funder",
            value=funder,
        )
    text = parse_text("reason", reason, allow_empty=verdict == "concur")
    return [FunderConcurrenceRecorded(funder=funder, verdict=verdict, reason=text, on=on)]
