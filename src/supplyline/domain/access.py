"""Who may do what: the one policy table of role × action × ownership, and the one function
that evaluates it.

Every interface asks ``authorize`` and nothing else decides. A caller acts as one party in
one role (an API token binds both; the public has neither). Each action grants each role a
scope: ``own`` (the party owns the record), ``shared`` (the record is shared with the party)
or ``any``; a role without a scope for an action may not do it at all. Who owns a record and
who it is shared with is read from the ledger by ``services.access.ownership``; this module only
compares sets of party ids, so it stays pure.

The verdict distinguishes "forbidden" from "hidden": a record the caller may not even read
is answered exactly like a record that does not exist, so that the ids of other parties'
confidential records cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .errors import InvalidInput

ROLES = ("recipient", "coordinator", "funder", "seller", "supplier", "auditor", "public")
#: roles a token can carry; the public is whoever comes without one
TOKEN_ROLES = ROLES[:-1]
PUBLIC = "public"


class Scope(Enum):
    OWN = "own"
    SHARED = "shared"
    ANY = "any"


O, S, A, N = Scope.OWN, Scope.SHARED, Scope.ANY, None

# fmt: off
#: role × action → scope. Reads are ``<kind>.read``; a record of that kind is hidden from a
#: role whose read scope does not admit it. Adding an endpoint means adding its row here.
_TABLE: dict[str, tuple[Scope | None, ...]] = {
    #                            recipient coordinator funder seller supplier auditor public
    "party.read":               (A,        A,          A,     A,     A,       A,      A),
    "party.register":           (N,        A,          N,     N,     N,       N,      N),
    "fx.read":                  (A,        A,          A,     A,     A,       A,      A),
    "fx.record":                (N,        A,          N,     N,     N,       N,      N),
    "requirement.read":         (O,        A,          S,     S,     N,       A,      N),
    "requirement.draft":        (O,        N,          N,     N,     N,       N,      N),
    "requirement.submit":       (O,        N,          N,     N,     N,       N,      N),
    "requirement.validate":     (N,        A,          N,     N,     N,       N,      N),
    "requirement.withdraw":     (O,        N,          N,     N,     N,       N,      N),
    "requirement.reprioritise": (O,        N,          N,     N,     N,       N,      N),
    "requirement.return":       (N,        A,          N,     N,     N,       N,      N),
    "list_version.read":        (O,        A,          N,     O,     N,       A,      N),
    "list_version.propose":     (O,        A,          N,     N,     N,       N,      N),
    "list_version.approve":     (O,        O,          N,     O,     N,       N,      N),
    "pledge.read":              (N,        A,          O,     N,     N,       A,      N),
    "pledge.announce":          (N,        N,          O,     N,     N,       N,      N),
    "pledge.commit":            (N,        N,          O,     N,     N,       N,      N),
    "pledge.expire":            (N,        A,          O,     N,     N,       N,      N),
    "pledge.allocate":          (N,        A,          N,     N,     N,       N,      N),
    # money stages (issue 15): the funder pays in, the coordinator transfers and returns,
    # the seller obligates and pays suppliers
    "pledge.pay_in":            (N,        N,          O,     N,     N,       N,      N),
    "pledge.transfer":          (N,        A,          N,     N,     N,       N,      N),
    "pledge.return":            (N,        A,          N,     N,     N,       N,      N),
    "report.money":             (N,        A,          O,     N,     N,       A,      N),
    "package.read":             (S,        A,          S,     S,     N,       A,      N),
    "package.draft":            (N,        A,          N,     N,     N,       N,      N),
    "package.add_line":         (N,        A,          N,     N,     N,       N,      N),
    "package.propose":          (N,        A,          N,     N,     N,       N,      N),
    "package.decide":           (O,        N,          N,     O,     N,       N,      N),
    "package.close":            (N,        A,          N,     N,     N,       N,      N),
    # a line taken out before its package is contracted: its money goes back (issue 15)
    "package.cancel_line":      (N,        A,          N,     N,     N,       N,      N),
    "package.validate":         (N,        A,          N,     N,     N,       N,      N),
    "package.return":           (N,        A,          N,     N,     N,       N,      N),
    "package.concur":           (N,        N,          S,     N,     N,       N,      N),
    "approval_steps.read":      (A,        A,          A,     A,     A,       A,      A),
    "approval_steps.configure": (N,        A,          N,     N,     N,       N,      N),
    "package.trace":            (S,        A,          S,     S,     N,       A,      N),
    "contract.read":            (S,        A,          S,     S,     S,       A,      N),
    "contract.sign":            (O,        N,          N,     O,     N,       N,      N),
    "contract.obligate":        (N,        N,          N,     O,     N,       N,      N),
    "contract.expend":          (N,        N,          N,     O,     N,       N,      N),
    # a contract changes by its buyer's hand; an amendment takes effect once the package's
    # recipient and funders accept it, each as itself (the party it names acts; the domain
    # checks that party is asked)
    "contract.amend":           (O,        N,          N,     O,     N,       N,      N),
    "contract.accept_amendment": (O,       N,          O,     N,     N,       N,      N),
    "contract.reject_amendment": (O,       N,          O,     N,     N,       N,      N),
    "report.variance":          (A,        A,          A,     A,     N,       A,      N),
    "facility.read":            (S,        A,          N,     S,     S,       A,      N),
    "facility.register":        (N,        A,          N,     N,     O,       N,      N),
    "facility.set_capacity":    (N,        N,          N,     N,     O,       N,      N),
    "order.read":               (S,        A,          S,     S,     S,       A,      N),
    "lot.read":                 (S,        A,          S,     S,     S,       A,      N),
    "order.place":              (N,        N,          N,     N,     O,       N,      N),
    "order.start":              (N,        N,          N,     N,     O,       N,      N),
    "order.record_lot":         (N,        N,          N,     N,     O,       N,      N),
    "order.inspect":            (N,        N,          N,     N,     O,       N,      N),
    "order.cancel":             (N,        N,          N,     N,     O,       N,      N),
    "shipment.read":            (S,        A,          S,     S,     S,       A,      N),
    "shipment.dispatch":        (N,        N,          N,     O,     O,       N,      N),
    "shipment.receive":         (O,        N,          N,     N,     N,       N,      N),
    "shipment.report_lost":     (N,        N,          N,     O,     O,       N,      N),
    "token.read":               (O,        A,          O,     O,     O,       A,      N),
    "report.funnel":            (A,        A,          A,     A,     A,       A,      A),
    "report.need":              (A,        A,          A,     A,     N,       A,      N),
    "ledger.status":            (A,        A,          A,     A,     A,       A,      A),
    "event.read":               (N,        A,          N,     N,     N,       A,      N),
    "ledger.verify":            (N,        A,          N,     N,     N,       A,      N),
    "ledger.check":             (N,        A,          N,     N,     N,       A,      N),
    # files in and out: a funder imports its own pledges, a recipient its own requirements
    # (each row's funder or recipient is checked); reference data comes from the coordinator
    "pledge.import":            (N,        A,          O,     N,     N,       N,      N),
    "requirement.import":       (O,        A,          N,     N,     N,       N,      N),
    "fx.import":                (N,        A,          N,     N,     N,       N,      N),
    "kiel.import":              (N,        A,          N,     N,     N,       N,      N),
    "report.kiel":              (A,        A,          A,     A,     A,       A,      A),
    # the open data: every field withheld from the public is left out, so it is the public's (issue 21)
    "report.ocds":              (A,        A,          A,     A,     A,       A,      A),
    # production planning spans every facility; terms and priorities follow ownership
    "plan.read":                (N,        A,          N,     N,     N,       A,      N),
    "plan.compute":             (N,        A,          N,     N,     N,       A,      N),
    "plan.accept":              (N,        A,          N,     N,     N,       N,      N),
    "allocation.propose":       (N,        A,          N,     N,     N,       A,      N),
    "allocation.record":        (N,        A,          N,     N,     N,       N,      N),
    "facility.set_terms":       (N,        N,          N,     N,     O,       N,      N),
    "order.reprioritise":       (N,        N,          N,     N,     O,       N,      N),
    # due dates move by the hand of whoever must meet them (issue 17, item 3); what is late
    # is listed for everyone with a token, record by record as each may read it
    "contract.reschedule":      (N,        N,          N,     O,     O,       N,      N),
    "order.reschedule":         (N,        N,          N,     N,     O,       N,      N),
    "shipment.expect":          (N,        N,          N,     O,     O,       N,      N),
    "report.late":              (A,        A,          A,     A,     A,       A,      N),
    "todo.read":                (A,        A,          A,     A,     A,       A,      N),
    "subscription.add":         (O,        O,          O,     O,     O,       O,      N),
    "subscription.read":        (O,        O,          O,     O,     O,       A,      N),
    # a party pauses, resumes or removes its own subscriptions (another's is not found)
    "subscription.change":      (O,        O,          O,     O,     O,       O,      N),
    # the transparency log: checkpoints, proofs and the public view of events are public
    "log.read":                 (A,        A,          A,     A,     A,       A,      A),
    "log.checkpoint":           (A,        A,          A,     A,     A,       A,      A),
    "log.key":                  (A,        A,          A,     A,     A,       A,      A),
    "log.prove":                (A,        A,          A,     A,     A,       A,      A),
    "event.reveal":             (S,        A,          S,     S,     S,       A,      N),
    # end-use monitoring (docs/end-use.md): serials and sites stay with the recipient, the
    # seller and auditors; the report is for everyone, each role seeing its own share of it
    "end_use_rules.read":       (N,        A,          N,     N,     N,       A,      N),
    "end_use_rules.require":    (N,        A,          N,     N,     N,       N,      N),
    "site.read":                (O,        N,          N,     S,     N,       A,      N),
    "site.register":            (O,        N,          N,     N,     N,       N,      N),
    "check.read":               (O,        N,          N,     O,     N,       A,      N),
    "check.record":             (O,        N,          N,     O,     N,       N,      N),
    "disposition.read":         (O,        N,          N,     O,     N,       A,      N),
    "disposition.record":       (O,        N,          N,     O,     N,       N,      N),
    "serial.read":              (O,        N,          N,     O,     N,       A,      N),
    "handover.read":            (O,        N,          N,     O,     N,       A,      N),
    "handover.record":          (O,        N,          N,     O,     N,       N,      N),
    "handover.confirm":         (O,        N,          N,     O,     N,       N,      N),
    "report.end_use":           (A,        A,          A,     A,     N,       A,      A),
    # the evidence (issue 18): a document or a finding is seen by whoever sees the record it
    # is about (these rows and that record's own read row both admit the caller: Parties.about;
    # a withheld title keeps the bytes with it), and a record's parties attach documents to it; auditors open, close and
    # reopen findings, the record's owners answer them; a closed finding its auditor made
    # public is listed for everyone by the report
    "document.read":            (S,        A,          S,     S,     S,       A,      N),
    "document.attach":          (S,        A,          S,     S,     S,       A,      N),
    "finding.read":             (S,        A,          S,     S,     S,       A,      N),
    "finding.open":             (N,        N,          N,     N,     N,       A,      N),
    "finding.respond":          (O,        N,          O,     O,     O,       N,      N),
    "finding.close":            (N,        N,          N,     N,     N,       A,      N),
    "finding.reopen":           (N,        N,          N,     N,     N,       A,      N),
    "report.findings":          (A,        A,          A,     A,     A,       A,      A),
}
# fmt: on

POLICY: dict[str, dict[str, Scope]] = {
    action: {role: scope for role, scope in zip(ROLES, row, strict=True) if scope is not None}
    for action, row in _TABLE.items()
}


@dataclass(frozen=True)
class Parties:
    """Who a record belongs to, and who else it is shared with (party ids)."""

    owners: frozenset[str] = frozenset()
    shared_with: frozenset[str] = frozenset()
    #: the kind of record a document or finding is about: acting on it (reading it first of
    #: all) also needs that record's own read row, so it is never seen wider than its record
    about: str | None = None

    @property
    def everyone(self) -> frozenset[str]:
        return self.owners | self.shared_with


@dataclass(frozen=True)
class Target:
    """The record an action is about, as far as authorisation needs to know it.

    ``acting`` narrows the owners for one action: a shipment is read by both ends of the
    contract, but only the recipient confirms its receipt. ``new`` marks a record that the
    action would create (its owners come from the request), which cannot be hidden."""

    kind: str
    parties: Parties
    acting: frozenset[str] | None = None
    new: bool = False

    @classmethod
    def creating(cls, kind: str, owners: frozenset[str] | set[str]) -> Target:
        return cls(kind, Parties(frozenset(owners)), new=True)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a party acting in a role with a token, or the public."""

    party: str | None
    role: str
    token_id: str | None = None

    @property
    def is_public(self) -> bool:
        return self.role == PUBLIC


ANONYMOUS = Principal(None, PUBLIC)


class Verdict(Enum):
    ALLOW = "allow"
    FORBID = "forbid"  # the caller may know the record exists, but may not do this
    HIDE = "hide"  # answer as if the record did not exist


def scope_of(role: str, action: str) -> Scope | None:
    if action not in POLICY:
        raise KeyError(f"no policy row for action '{action}'")
    return POLICY[action].get(role)


def admits(scope: Scope | None, party: str | None, parties: Parties, acting: frozenset[str] | None = None) -> bool:
    if scope is None:
        return False
    if scope is Scope.ANY:
        return True
    if party is None:
        return False
    if scope is Scope.OWN:
        return party in (acting if acting is not None else parties.owners)
    return party in parties.everyone


def follows_record(principal: Principal, parties: Parties) -> bool:
    """Whether ``principal`` may read the record a document or finding is about (always true
    of a record about no other): its own row narrows the document's or finding's."""
    return parties.about is None or can_read(principal, parties.about, Parties(parties.owners, parties.shared_with))


def can_read(principal: Principal, kind: str, parties: Parties) -> bool:
    return admits(scope_of(principal.role, f"{kind}.read"), principal.party, parties) and follows_record(
        principal, parties
    )


def authorize(principal: Principal, action: str, target: Target | None = None) -> Verdict:
    """The verdict on ``principal`` doing ``action`` to ``target`` (None: no one record,
    e.g. a list, which is then filtered record by record with ``can_read``)."""
    scope = scope_of(principal.role, action)
    if scope is None:
        return Verdict.FORBID
    if target is None:
        return Verdict.ALLOW
    if admits(scope, principal.party, target.parties, target.acting) and follows_record(principal, target.parties):
        return Verdict.ALLOW
    if target.new or can_read(principal, target.kind, target.parties):
        return Verdict.FORBID
    return Verdict.HIDE


def sees_withheld(level: str, relation: str | None, recorded_it: bool) -> bool:
    """Whether a party with ``relation`` ("owner", "shared" or None) to a record sees one of
    its fields withheld at ``level`` before the embargo passes: the one rule every view of
    a withheld value follows (``services/access/withholding.py``), as ``withheld_field`` states it
    for a reveal. Coordinators and auditors see every field; the public none."""
    if level == "parties":
        return relation is not None
    return relation == "owner" or recorded_it


def withheld_field(kind: str, record: Parties, level: str, recorded_by: str | None) -> Target:
    """A withheld field of a record, as the target of ``event.reveal``.

    A ``parties`` field is for the record's owners and the parties it is shared with; a
    ``confidential`` one for its owners and the party that recorded it (who knows the value
    anyway). Roles with scope ``any`` (coordinators, auditors) see both. A field whose
    embargo has passed is public and needs no reveal: the public log shows it."""
    if level == "confidential":
        return Target(kind, Parties(record.owners | ({recorded_by} if recorded_by else frozenset())))
    return Target(kind, record)


def parse_role(field: str, value: object) -> str:
    if isinstance(value, str) and value in TOKEN_ROLES:
        return value
    raise InvalidInput(field, value, f"must be one of: {', '.join(TOKEN_ROLES)} (the public needs no token)")
