"""Who agrees to a package before its seller decides (issue 17, item 2): each mechanism's
steps (ledger configuration), the coordinator's validation or return to draft, and the
funders' concurrences. ``packages.decide_package`` refuses an approval while one is missing."""

from __future__ import annotations

from typing import Annotated, ClassVar

from ...domain import agreement as domain
from ...domain.agreement import ApprovalSteps, CheckItem
from ...domain.package import Package
from ...domain.party import Party
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import DEFAULT_DISCLOSURE, TODAY, BusinessDay, Disclosure, Mechanism, choice, parsed


def checklist_in(uow: UnitOfWork, package: Package) -> list[CheckItem]:
    """The package's checklist now: its mechanism's steps, what was done since it was last
    returned, and the funders whose pledges hold money for it."""
    steps = uow.get(ApprovalSteps, package.mechanism).steps
    return domain.checklist(steps, package.agreement.current(), facts.funders_of_package(uow.conn, package.id))


class ConfigureApprovalSteps(Command):
    ACTION: ClassVar[str] = "approval_steps.configure"

    mechanism: Mechanism
    steps: tuple[str, ...] = ()  # validation, concurrence; none: the seller decides alone
    on: BusinessDay = TODAY


@handles(ConfigureApprovalSteps)
def configure_approval_steps(
    uow: UnitOfWork, actor: Actor, cmd: ConfigureApprovalSteps, expected: int | None
) -> Outcome:
    rules = uow.get(ApprovalSteps, cmd.mechanism)
    events = domain.configure(rules, steps=cmd.steps, on=cmd.on)
    return Outcome(rules.id, uow.record(rules, events, expected_version=expected))


class ValidatePackage(Command):
    ACTION: ClassVar[str] = "package.validate"

    package_id: str
    by: str | None = None  # the validating coordinator: the acting party when none
    on: BusinessDay = TODAY


@handles(ValidatePackage)
def validate_package(uow: UnitOfWork, actor: Actor, cmd: ValidatePackage, expected: int | None) -> Outcome:
    package = uow.load(Package, cmd.package_id, field="package")
    by = uow.load(Party, cmd.by or actor.party, field="by")
    required = uow.get(ApprovalSteps, package.mechanism).steps
    events = domain.validate(package, package.state, by=by.id, on=cmd.on, required=required)
    return Outcome(package.id, uow.record(package, events, expected_version=expected))


class ReturnPackage(Command):
    ACTION: ClassVar[str] = "package.return"
    WITHHOLDS: ClassVar[str | None] = "PackageReturned"

    package_id: str
    reasons: str
    by: str | None = None  # the returning coordinator: the acting party when none
    on: BusinessDay = TODAY
    disclosure: Disclosure = DEFAULT_DISCLOSURE  # the reasons are among the parties unless stated


@handles(ReturnPackage)
def return_package(uow: UnitOfWork, actor: Actor, cmd: ReturnPackage, expected: int | None) -> Outcome:
    package = uow.load(Package, cmd.package_id, field="package")
    by = uow.load(Party, cmd.by or actor.party, field="by")
    events = domain.return_to_draft(package, package.state, by=by.id, reasons=cmd.reasons, on=cmd.on)
    return Outcome(package.id, uow.record(package, events, expected_version=expected, withhold=cmd.disclosure))


class Concur(Command):
    ACTION: ClassVar[str] = "package.concur"
    WITHHOLDS: ClassVar[str | None] = "FunderConcurrenceRecorded"

    package_id: str
    verdict: Annotated[str, parsed(choice(domain.VERDICTS))] = "concur"
    reason: str = ""  # needed to object
    funder: str | None = None  # the funder concurring: the acting party when none
    on: BusinessDay = TODAY
    disclosure: Disclosure = DEFAULT_DISCLOSURE  # the reason is among the parties unless stated


@handles(Concur)
def concur(uow: UnitOfWork, actor: Actor, cmd: Concur, expected: int | None) -> Outcome:
    package = uow.load(Package, cmd.package_id, field="package")
    funder = uow.load(Party, cmd.funder or actor.party, field="funder")
    events = domain.concur(
        package,
        package.state,
        funder=funder.id,
        verdict=cmd.verdict,
        reason=cmd.reason,
        on=cmd.on,
        funders=facts.funders_of_package(uow.conn, package.id),
    )
    return Outcome(package.id, uow.record(package, events, expected_version=expected, withhold=cmd.disclosure))
