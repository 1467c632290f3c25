"""What each event's fields feed, how disclosed they are by default, and where their value
is repeated: the one table every rule on withheld fields reads.

For each event type and payload field (the shape of openprocurement's ``mask.py``: a
declarative row per field, read by generic code):

- ``shows``: the projection columns the field feeds (the rows are found from the record id
  and payload keys), so a withheld field is blanked in every view of those rows;
- ``default``: its disclosure level when the command states none (free text that may carry
  operational or diplomatic detail stays among the parties);
- ``command``: whether a command may state a level for it (identifiers and references
  never: records still link up in public);
- ``repeated_in``: the fields of OTHER records that carry the same value, so withholding it
  in one record withholds it wherever it is repeated.

A repetition works both ways and is followed transitively (``repeats``). When the record
that repeats a withheld value is recorded later, it is sealed at record time with the
stricter level (``inherit``: nothing in clear reaches the hashed log). When it was recorded
earlier, in clear, every public view leaves it out: the projections through
``services/access/withholding.py``, the public log by showing the field as repeated from the
commitment that withholds it (docs/transparency.md says why a guess can still be checked
against such an older event's hash, and why only withholding at record time is leak-free).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ledger.disclosure import Withholding

#: a payload key, ``@record`` (the record id of the event's stream), or ``each.KEY`` (a key
#: of each entry of a list-valued field)
Key = str


@dataclass(frozen=True)
class Shows:
    """Projected columns of the rows of ``table`` whose key starts with ``key`` (evaluated
    on the event: ``@record`` and payload keys)."""

    table: str
    key: tuple[Key, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Repeat:
    """Another record's field that carries this field's value.

    ``link`` pairs (their key, our key) that must be equal for the two to be about the same
    thing; ``theirs`` / ``ours`` name the key inside each list entry holding the value when
    a side's field is a list (``each.`` keys iterate its entries). ``copy``: the value is
    copied (a price taken over when none is given), so only an equal value is a repetition;
    otherwise the other field states the same fact however it is written (an order placed
    for a contract line and its schedule)."""

    event_type: str
    field: str
    link: tuple[tuple[Key, Key], ...]
    theirs: str | None = None
    ours: str | None = None
    copy: bool = True
    #: the other records are found through the projections, not a key of both events (a
    #: requirement's delivered quantity adds up receipts of shipments for its package lines):
    #: the name of a path in ``store/repeats.PATHS``, taken the other way when reversed
    via: str | None = None

    def reverse(self, event_type: str, name: str) -> Repeat:
        via = None if self.via is None else (self.via[1:] if self.via.startswith("~") else f"~{self.via}")
        return Repeat(
            event_type,
            name,
            tuple((o, t) for t, o in self.link),
            theirs=self.ours,
            ours=self.theirs,
            copy=self.copy,
            via=via,
        )


@dataclass(frozen=True)
class Field:
    shows: tuple[Shows, ...] = ()
    default: Withholding | None = None
    command: bool = True
    repeated_in: tuple[Repeat, ...] = ()
    #: fields of the same event that give this one away (an allocation's amount, its amount
    #: in the package's currency and the rate between them): withheld with it
    together: tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    """How a refusal names the record an event writes, and its fields."""

    name: str
    kind: str  # the kind of stream it is recorded on (``kind:id``)
    fields: Mapping[str, Field] = field(default_factory=dict)


def _money(name: str) -> tuple[str, ...]:
    return (name, f"{name}_minor", f"{name}_currency")


def _on(table: str, *columns: str, key: tuple[Key, ...] = ("@record",)) -> tuple[Shows, ...]:
    return (Shows(table, key, columns),)


_LINE = ("@record", "line_no")
_FOR_LINE = (("@record", "requirement_id"),)
_CONTRACT_LINE = (("contract_id", "@record"), ("contract_line_no", "each.line_no"))
_SAME_ALLOCATION = (("allocation_id", "allocation_id"),)
_SAME_PACKAGE = (("@record", "@record"), ("package_id", "package_id"))
PARTIES = Withholding("parties")
#: site codes and names: the recipient's, its seller's and auditors' (docs/end-use.md)
CONFIDENTIAL = Withholding("confidential")


# fmt: off
def _paid(stage: str) -> dict[str, Field]:
    """A payment against a contract line states (part of) its cost: sealed as strictly as its price."""
    line = Repeat("ContractSigned", "lines", (("@record", "contract_id"), ("each.line_no", "contract_line_no")),
                  theirs="unit_price", copy=False)
    amount = _on("money_flows", *_money("amount")) + _on("pledges", stage, f"{stage}_minor")
    return {"amount": Field(amount, command=False, together=("line_amount",)),
            "line_amount": Field(_on("money_flows", "seller", "seller_minor"), command=False, repeated_in=(line,),
                                 together=("amount",))}


TABLE: dict[str, Record] = {
    "PledgeAnnounced": Record("a pledge", "pledge", {
        "funder": Field(_on("pledges", "funder")),
        "amount": Field(_on("pledges", *_money("amount"), "allocated", "allocated_minor", "remaining")),
        "pledged_on": Field(_on("pledges", "pledged_on")),
        "categories": Field(_on("pledges", "categories")),
        "origins": Field(_on("pledges", "origins")),
        "valid_from": Field(_on("pledges", "valid_from")),
        "valid_until": Field(_on("pledges", "valid_until")),
        "note": Field(_on("pledges", "note")),
    }),
    # committing on the day pledged repeats that day
    "PledgeCommitted": Record("a commitment", "pledge", {
        "on": Field(command=False, repeated_in=(Repeat("PledgeAnnounced", "pledged_on", (("@record", "@record"),)),)),
    }),
    # an amount in the pledge's currency, the same in the package's and the rate between them:
    # any one gives the others away (in one currency the two amounts are equal)
    "PledgeAllocated": Record("an allocation", "pledge", {
        "amount": Field(_on("allocations", *_money("amount"), key=("allocation_id",)), together=("line_amount", "fx")),
        "line_amount": Field(_on("allocations", *_money("line_amount"), key=("allocation_id",)),
                             # funding a line in full pays its value: its quantity times its price
                             repeated_in=(Repeat("PackageLineAdded", "unit_price",
                                                 (("@record", "package_id"), ("line_no", "line_no")), copy=False),),
                             together=("amount", "fx")),
        "fx": Field(_on("allocations", "fx_rate", "fx_date", key=("allocation_id",)), together=("amount", "line_amount")),
    }),
    # a release gives back (part of) an allocation: a full one repeats its amounts
    "AllocationReleased": Record("a release", "pledge", {
        "amount": Field(_on("allocations", *_money("amount"), "released", "released_minor", key=("allocation_id",)),
                        repeated_in=(Repeat("PledgeAllocated", "amount", _SAME_ALLOCATION),)),
        "line_amount": Field(_on("allocations", *_money("line_amount"), "released_line", "released_line_minor",
                                                 key=("allocation_id",)),
                             repeated_in=(Repeat("PledgeAllocated", "line_amount", _SAME_ALLOCATION),)),
    }),
    # money stages (issue 15): recorded in clear unless they repeat a withheld amount — a payment
    # of the whole pledge states its amount, a transfer of a whole allocation states that
    "PledgePaidIn": Record("a payment in", "pledge", {
        "amount": Field(_on("money_flows", *_money("amount")) + _on("pledges", "paid_in", "paid_in_minor"),
                        command=False, repeated_in=(Repeat("PledgeAnnounced", "amount", (("@record", "@record"),)),)),
    }),
    "MoneyTransferred": Record("a transfer", "pledge", {
        "amount": Field(_on("money_flows", *_money("amount")) + _on("pledges", "transferred", "transferred_minor"),
                        command=False,
                        repeated_in=(Repeat("PledgeAllocated", "amount", _SAME_PACKAGE),)),
        "seller_amount": Field(_on("money_flows", "seller", "seller_minor"), command=False,
                               repeated_in=(Repeat("PledgeAllocated", "line_amount", _SAME_PACKAGE),)),
    }),
    "MoneyObligated": Record("an obligation", "pledge", _paid("obligated")),
    "MoneyExpended": Record("a payment to a supplier", "pledge", _paid("expended")),
    "PackageDrafted": Record("a package", "package", {
        "title": Field(_on("packages", "title")),
        "approvers": Field(_on("packages", "approvers")),
    }),
    "PackageLineAdded": Record("a package line", "package", {
        "item": Field(_on("package_lines", "item", key=_LINE)),
        "quantity": Field(_on("package_lines", "quantity", "value", key=_LINE),
                          repeated_in=(Repeat("RequirementDrafted", "quantity", _FOR_LINE),)),
        "unit_price": Field(_on("package_lines", *_money("unit_price"), "value", key=_LINE),
                            repeated_in=(Repeat("RequirementDrafted", "unit_price", _FOR_LINE),)),
        "origin": Field(_on("package_lines", "origin", key=_LINE)),
    }),
    "PackageDecisionRecorded": Record("a decision", "package", {
        "reason": Field(_on("package_decisions", "reason"), default=PARTIES),
    }),
    # who agrees before the seller decides (issue 17, item 2): who validated and when is public,
    # a return's reasons and a funder's reason stay among the package's parties unless stated
    "PackageValidated": Record("a validation", "package"),
    "PackageReturned": Record("a return to draft", "package", {
        "reasons": Field(_on("package_steps", "reason", key=("@record",)), default=PARTIES),
    }),
    "FunderConcurrenceRecorded": Record("a concurrence", "package", {
        "reason": Field(_on("package_steps", "reason", key=("@record",)), default=PARTIES),
    }),
    "ApprovalStepsConfigured": Record("approval steps", "approval_steps"),
    # the list's monthly versions (issue 17, item 1): which lines, in which order, who approved
    "ListVersionProposed": Record("a list version", "list_version"),
    "ListVersionApprovalRecorded": Record("an approval of a list version", "list_version"),
    "ListVersionApproved": Record("an approved list version", "list_version"),
    # a line returned to draft: the reason stays among the parties unless stated
    "RequirementReturned": Record("a return to draft", "requirement", {"reason": Field(default=PARTIES)}),
    "ContractSigned": Record("a contract", "contract", {
        "supplier": Field(_on("contracts", "supplier")),
        "kind": Field(_on("contracts", "kind")),
        "signed_on": Field(_on("contracts", "signed_on")),
        "lines": Field(
            _on("contract_lines", "item", "quantity", *_money("unit_price")),
            repeated_in=(
                # a contract line's price is its package line's unless the contract gives one
                Repeat("PackageLineAdded", "unit_price", (("@record", "package_id"), ("line_no", "each.package_line_no")),
                       ours="unit_price"),
                # ... and its quantity, all of it unless less is contracted
                Repeat("PackageLineAdded", "quantity", (("@record", "package_id"), ("line_no", "each.package_line_no")),
                       ours="quantity"),
                # an order is placed for a contract line: its quantity states the line's
                Repeat("ProductionOrderPlaced", "quantity", _CONTRACT_LINE, ours="quantity", copy=False),
            ),
            # the schedule adds up to each line's quantity
            together=("schedule",),
        ),
        "schedule": Field(
            _on("delivery_schedule", "line_no", "due", "quantity"),
            # ... and its due date the line's delivery schedule
            repeated_in=(Repeat("ProductionOrderPlaced", "due", _CONTRACT_LINE, ours="due", copy=False),),
            together=("lines",),
        ),
    }),
    "ShipmentDispatched": Record("a shipment", "shipment", {
        "shipped_on": Field(_on("shipments", "shipped_on")),
        "lines": Field(
            _on("shipment_lines", "quantity") + _on("shipment_lots", "lot_id", "quantity"),
            # a shipment of all that is left of a contract line
            repeated_in=(Repeat("ContractSigned", "lines", (("@record", "contract_id"),
                                                           ("each.line_no", "each.contract_line_no")),
                                theirs="quantity", ours="quantity"),),
        ),
    }),
    "ShipmentReceived": Record("a receipt", "shipment", {
        "received_on": Field(_on("shipments", "received_on")),
        "lines": Field(
            _on("shipment_lines", "received"),
            # a receipt of all that was shipped
            repeated_in=(Repeat("ShipmentDispatched", "lines", (("@record", "@record"),
                                                               ("each.contract_line_no", "each.contract_line_no")),
                                theirs="quantity", ours="quantity"),),
        ),
        "note": Field(_on("shipments", "note"), default=PARTIES),
    }),
    "RequirementDrafted": Record("a requirement", "requirement", {
        "quantity": Field(_on("requirements", "quantity")),
        "unit_price": Field(_on("requirements", *_money("unit_price"))),
        "needed_by": Field(_on("requirements", "needed_by")),
        "note": Field(_on("requirements", "note")),
    }),
    # a requirement's funded units add up its fully funded package lines, its delivered units
    # the receipts for them: totals withheld when any part is (``copy=False``)
    "RequirementFundingRecorded": Record("a requirement's funding", "requirement", {
        "funded_quantity": Field(_on("requirements", "funded_quantity"), command=False,
                                 repeated_in=(Repeat("PackageLineAdded", "quantity", (("requirement_id", "@record"),),
                                                     copy=False),)),
    }),
    "RequirementDeliveryRecorded": Record("a requirement's delivery", "requirement", {
        "delivered_quantity": Field(_on("requirements", "delivered_quantity"), command=False,
                                    repeated_in=(Repeat("ShipmentReceived", "lines", (), copy=False,
                                                        via="requirement-shipments"),)),
    }),
    # a moved schedule entry states the date it moved from (the line's schedule, or an earlier
    # move's new date, itself withheld with the schedule) and the one it moved to: both are
    # withheld as the line's schedule is (issue 17, item 3)
    "DeliveryRescheduled": Record("a reschedule", "contract", {
        "old_due": Field(_on("delivery_schedule", "due"), command=False,
                         repeated_in=(Repeat("ContractSigned", "schedule", (("@record", "@record"), ("each.line_no", "line_no")),
                                             theirs="due", copy=False),),
                         together=("new_due",)),
        "new_due": Field(_on("delivery_schedule", "due"), command=False, together=("old_due",)),
    }),
    # a contract's change (issue 15 item 4) states its lines' old and new terms: withheld as the
    # contract's lines are; its description and a refusal's reason stay among the parties
    "ContractAmendmentProposed": Record("a contract amendment", "contract", {
        "description": Field(_on("contract_amendments", "description"), default=PARTIES),
        "lines": Field(_on("contract_amendments", "changes") + _on("contract_lines", "quantity", *_money("unit_price")),
                       command=False,
                       repeated_in=(Repeat("ContractSigned", "lines", (("@record", "@record"), ("each.line_no", "each.line_no")),
                                           theirs="unit_price", ours="old_unit_price", copy=False),)),
    }),
    "ContractAmendmentAccepted": Record("an amendment's acceptance", "contract"),
    "ContractAmendmentRejected": Record("an amendment's refusal", "contract", {
        "reason": Field(_on("contract_amendments", "reason"), default=PARTIES),
    }),
    "ContractAmended": Record("an amendment in force", "contract"),
    # ... and an order's, as the order's due date is
    "ProductionOrderRescheduled": Record("a reschedule", "order", {
        "old_due": Field(_on("production_orders", "due"), command=False,
                         repeated_in=(Repeat("ProductionOrderPlaced", "due", (("@record", "@record"),), copy=False),),
                         together=("new_due",)),
        "new_due": Field(_on("production_orders", "due"), command=False, together=("old_due",)),
    }),
    # a shipment's expected arrival is a promise to the recipient that no command withholds
    # (issue 17, item 3); but it cannot be before the day the shipment left and, stated when
    # sent, its ``on`` is that day: withheld with the shipping day (sealed at record time)
    "ShipmentArrivalExpected": Record("an expected arrival", "shipment", {
        "expected_arrival": Field(_on("shipments", "expected_arrival"), command=False,
                                  repeated_in=(Repeat("ShipmentDispatched", "shipped_on", (("@record", "@record"),),
                                                      copy=False),),
                                  together=("old_arrival", "on")),
        "old_arrival": Field(command=False, together=("expected_arrival", "on")),
        "on": Field(command=False, together=("expected_arrival", "old_arrival")),
    }),
    # end-use monitoring (docs/end-use.md). Serials are never in an event (a manifest's count
    # and root are), so nothing repeats them; a site's code and name are confidential by
    # default and repeated nowhere (checks and receipts name the site by its opaque id).
    "SiteRegistered": Record("a site", "site", {
        "code": Field(_on("sites", "code"), default=CONFIDENTIAL),
        "name": Field(_on("sites", "name"), default=CONFIDENTIAL),
    }),
    # a manifest's count is the shipped quantity of its line, a receipt's per-serial account
    # the received quantity: withheld with them (sealed at record time, never in clear)
    "SerialsListed": Record("a serial manifest", "shipment", {
        "count": Field(command=False, repeated_in=(
            Repeat("ShipmentDispatched", "lines", (("@record", "@record"), ("each.contract_line_no", "contract_line_no")),
                   theirs="quantity"),
        )),
    }),
    # a lot's serials are given when it is produced; its count is the lot's quantity, which
    # no command withholds (LotProduced is public)
    "LotSerialsListed": Record("a lot's serial manifest", "order"),
    "SerialsReceived": Record("a receipt of serials", "shipment", {
        "received": Field(command=False, repeated_in=(
            Repeat("ShipmentReceived", "lines", (("@record", "@record"), ("each.contract_line_no", "contract_line_no")),
                   theirs="quantity"),
        )),
    }),
    "DispositionRecorded": Record("a disposition", "disposition", {
        "authorisation": Field(_on("dispositions", "authorisation"), default=PARTIES),
        "note": Field(_on("dispositions", "note"), default=PARTIES),
    }),
    # the evidence (issue 18): a document's title may be withheld (its bytes are then served to
    # those who see the title only); its hash, size, media type and kind never are, so a
    # withheld document's later release can be checked against the public log. A finding's
    # texts stay among the record's parties (who sees a finding follows its record) unless
    # the command says otherwise; a closed finding its auditor made public is listed for
    # everyone by the findings report, by the auditor's decision. Repeated nowhere.
    "DocumentAttached": Record("a document", "document", {
        "title": Field(_on("documents", "title")),
    }),
    "FindingOpened": Record("a finding", "finding", {
        "criteria": Field(_on("findings", "criteria"), default=PARTIES),
        "condition": Field(_on("findings", "condition"), default=PARTIES),
    }),
    "FindingResponded": Record("a finding's answer", "finding", {
        "response": Field(_on("findings", "response"), default=PARTIES),
    }),
    "FindingClosed": Record("a finding's closure", "finding", {
        "resolution": Field(_on("findings", "resolution"), default=PARTIES),
    }),
    "FindingReopened": Record("a finding reopened", "finding", {
        "reason": Field(default=PARTIES),
    }),
    # an order is the supplier's, placed for a contract line: it is withheld as that line is
    "ProductionOrderPlaced": Record("a production order", "order", {
        "quantity": Field(_on("production_orders", "quantity"), command=False),
        "due": Field(_on("production_orders", "due"), command=False),
    }),
}
# fmt: on


def _complete(table: dict[str, Record]) -> dict[str, Record]:
    """The table with every repetition stated on both sides."""
    extra: dict[tuple[str, str], list[Repeat]] = {}
    for event_type, record in table.items():
        for name, row in record.fields.items():
            for repeat in row.repeated_in:
                extra.setdefault((repeat.event_type, repeat.field), []).append(repeat.reverse(event_type, name))
    out = {}
    for event_type, record in table.items():
        fields = {}
        for name, row in record.fields.items():
            more = tuple(r for r in extra.pop((event_type, name), ()) if r not in row.repeated_in)
            fields[name] = Field(row.shows, row.default, row.command, row.repeated_in + more, row.together)
        out[event_type] = Record(record.name, record.kind, fields)
    if extra:
        raise ValueError(f"repetitions name fields the table does not list: {sorted(extra)}")
    return out


TABLE = _complete(TABLE)

#: event type -> the payload fields a command may withhold, in the users' words
WITHHOLDABLE: dict[str, tuple[str, ...]] = {
    event_type: tuple(name for name, row in record.fields.items() if row.command)
    for event_type, record in TABLE.items()
    if any(row.command for row in record.fields.values())
}

#: event type -> field -> the level it has unless the command states one
DEFAULTS: dict[str, dict[str, Withholding]] = {
    event_type: {name: row.default for name, row in record.fields.items() if row.default is not None}
    for event_type, record in TABLE.items()
    if any(row.default is not None for row in record.fields.values())
}


#: event types one of whose fields repeats another record's (checked when recorded)
REPEATING = frozenset(
    event_type
    for event_type, record in TABLE.items()
    if any(row.repeated_in or row.together for row in record.fields.values())
)


def record_name(event_type: str) -> str:
    return TABLE[event_type].name


def row(event_type: str, name: str) -> Field | None:
    record = TABLE.get(event_type)
    return record.fields.get(name) if record else None


# --- evaluating the rows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """An event as the table reads it: its type, its record's id and its real payload."""

    type: str
    record: str
    payload: Mapping[str, Any]


def _value(event: Event, key: Key, entry: Mapping[str, Any] | None) -> Any:
    if key == "@record":
        return event.record
    if key.startswith("each."):
        return entry.get(key[5:]) if entry is not None else None
    return event.payload.get(key)


def shown_rows(event: Event, name: str) -> list[tuple[str, tuple, tuple[str, ...]]]:
    """(projection table, row key or key prefix, columns) that field ``name`` of ``event`` feeds."""
    found = row(event.type, name)
    if found is None:
        return []
    return [(s.table, tuple(_value(event, k, None) for k in s.key), s.columns) for s in found.shows]


def _entries(event: Event, name: str, each: bool) -> list[Mapping[str, Any] | None]:
    value = event.payload.get(name)
    if not each:
        return [None]
    return [e for e in value if isinstance(e, Mapping)] if isinstance(value, list) else []


def repeated(source: Event, name: str, repeat: Repeat, other: Event) -> Iterator[Any]:
    """The parts of ``source``'s field ``name`` that ``other``'s field ``repeat.field`` repeats."""
    if other.type != repeat.event_type or repeat.field not in other.payload:
        return
    ours_each = any(o.startswith("each.") for _, o in repeat.link) or repeat.ours is not None
    theirs_each = any(t.startswith("each.") for t, _ in repeat.link) or repeat.theirs is not None
    for mine in _entries(source, name, ours_each):
        for yours in _entries(other, repeat.field, theirs_each):
            if not all(_value(other, t, yours) == _value(source, o, mine) for t, o in repeat.link):
                continue
            part = mine[repeat.ours] if mine is not None and repeat.ours else source.payload.get(name)
            theirs = yours[repeat.theirs] if yours is not None and repeat.theirs else other.payload[repeat.field]
            if not repeat.copy or part == theirs:
                yield part


def together(event_type: str, levels: Mapping[str, Withholding]) -> dict[str, Withholding]:
    """``levels`` with each field that gives a withheld field of the same event away withheld
    as strictly (``Field.together``)."""
    out = dict(levels)
    record = TABLE.get(event_type)
    for name, level in levels.items():
        found = record.fields.get(name) if record else None
        for other in found.together if found and level.level != "public" else ():
            out[other] = stricter(out.get(other), level)
    return out


def stricter(a: Withholding | None, b: Withholding) -> Withholding:
    """The level that withholds from at least everyone either does, as long as either does."""
    if a is None:
        return b
    level = "confidential" if "confidential" in (a.level, b.level) else "parties"
    embargo = None if a.embargo is None or b.embargo is None else max(a.embargo, b.embargo)
    return Withholding(level, embargo)
