"""Commands that add each entity and move it through its life cycle, and list or show it.

Each command turns its options into a service command and calls the same service function
the API calls; parsing and every rule live below this layer.
"""

from __future__ import annotations

import typer

from ..domain.contract import DeliveryTerms, LineTerms
from ..domain.shipment import ShippedLine
from ..domain.values import parse_int
from ..services import contracts, funding, packages, parties, production, queries, requirements, shipments
from .app import JSON, app, state
from .render import emit_json, outcome, show, split_spec, table

DISCLOSE = typer.Option(
    [],
    "--disclose",
    metavar="FIELD=LEVEL[@EMBARGO]",
    help="withhold a field: parties | confidential, public from the embargo date (repeatable)",
)


def _sub(name: str, help: str) -> typer.Typer:
    sub = typer.Typer(no_args_is_help=True, help=help)
    app.add_typer(sub, name=name)
    return sub


def _list(ctx: typer.Context, fetch, as_json: bool, title: str, columns, numeric=()) -> None:
    with state(ctx).store().read() as conn:
        rows = fetch(conn)
    if as_json:
        emit_json(rows)
    else:
        table(title, rows, columns, numeric=numeric)


def _show(ctx: typer.Context, fetch, as_json: bool, title: str) -> dict:
    with state(ctx).store().read() as conn:
        data = fetch(conn)
    show(data, as_json=as_json, title=title)
    return data


def _write(ctx: typer.Context, service, *args, as_json: bool = False, **kwargs) -> None:
    st = state(ctx)
    outcome(service(st.store(), st.acting, *args, **kwargs), as_json=as_json)


# --- parties ------------------------------------------------------------------------------
party = _sub("party", "Governments, organisations and companies.")


@party.command("add")
def party_add(
    ctx: typer.Context,
    party_id: str = typer.Argument(..., metavar="ID"),
    name: str = typer.Option(..., "--name"),
    kind: str = typer.Option(..., "--kind", help="government | organisation | company"),
    country: str | None = typer.Option(None, "--country", help="ISO 3166 code (UA, US, NLD…)"),
    as_json: bool = JSON,
) -> None:
    """Register a party."""
    _write(ctx, parties.register_party, parties.RegisterParty(party_id, name, kind, country), as_json=as_json)


@party.command("list")
def party_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    _list(
        ctx,
        queries.list_parties,
        as_json,
        "parties",
        [("id", "id"), ("name", "name"), ("kind", "kind"), ("country", "country")],
    )


# --- FX rates -----------------------------------------------------------------------------
fx = _sub("fx", "Dated FX reference rates (units per EUR, as the ECB publishes them).")


@fx.command("add")
def fx_add(
    ctx: typer.Context,
    day: str = typer.Argument(..., metavar="DATE"),
    rate: list[str] = typer.Option(..., "--rate", help="CUR=units per EUR, e.g. USD=1.1568 (repeatable)"),
    source: str = typer.Option("ECB", "--source"),
    as_json: bool = JSON,
) -> None:
    """Record the reference rates of one day."""
    rates = {}
    for text in rate:
        code, value = split_spec("rate", text, 2, sep="=")
        rates[code.strip()] = value.strip()
    _write(ctx, parties.record_rates, parties.RecordRates(day, rates, source), as_json=as_json)


@fx.command("list")
def fx_list(ctx: typer.Context, currency: str | None = typer.Option(None, "--currency"), as_json: bool = JSON) -> None:
    _list(
        ctx,
        lambda c: queries.list_fx(c, currency=currency),
        as_json,
        "FX rates (units per EUR)",
        [("day", "date"), ("currency", "currency"), ("per_eur", "per EUR"), ("source", "source")],
        numeric=("per_eur",),
    )


# --- requirements -------------------------------------------------------------------------
requirement = _sub("requirement", "The recipient's prioritised requirements list.")


@requirement.command("add")
def requirement_add(
    ctx: typer.Context,
    recipient: str = typer.Option(..., "--recipient"),
    month: str = typer.Option(..., "--month", help="list version, YYYY-MM"),
    priority: str = typer.Option(..., "--priority", help="tier 1 (most urgent) to 5"),
    rank: str = typer.Option(..., "--rank", help="position in the list"),
    item: str = typer.Option(..., "--item"),
    category: str = typer.Option(..., "--category"),
    quantity: str = typer.Option(..., "--quantity"),
    unit: str = typer.Option(..., "--unit"),
    unit_price: str = typer.Option(..., "--unit-price", help="estimated unit price"),
    currency: str = typer.Option(..., "--currency"),
    origin: str = typer.Option("any", "--origin", help="allowed origin: any, EU or a country code"),
    min_lot: str = typer.Option("1", "--min-lot"),
    whole_only: bool = typer.Option(False, "--whole-only", help="useful only if the whole quantity is funded"),
    needed_by: str | None = typer.Option(None, "--needed-by"),
    note: str = typer.Option("", "--note"),
    requirement_id: str | None = typer.Option(None, "--id"),
    as_json: bool = JSON,
) -> None:
    """Draft a requirement line."""
    cmd = requirements.DraftRequirement(
        recipient=recipient,
        list_month=month,
        priority=priority,
        rank=rank,
        item=item,
        category=category,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        currency=currency,
        origin=origin,
        min_lot=min_lot,
        whole_only=whole_only,
        needed_by=needed_by,
        note=note,
        id=requirement_id,
    )
    _write(ctx, requirements.draft_requirement, cmd, as_json=as_json)


@requirement.command("submit")
def requirement_submit(
    ctx: typer.Context, requirement_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    _write(ctx, requirements.submit_requirement, requirement_id, as_json=as_json)


@requirement.command("validate")
def requirement_validate(
    ctx: typer.Context, requirement_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    _write(ctx, requirements.validate_requirement, requirement_id, as_json=as_json)


@requirement.command("withdraw")
def requirement_withdraw(
    ctx: typer.Context,
    requirement_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason"),
    as_json: bool = JSON,
) -> None:
    _write(ctx, requirements.withdraw_requirement, requirement_id, reason, as_json=as_json)


@requirement.command("reprioritise")
def requirement_reprioritise(
    ctx: typer.Context,
    requirement_id: str = typer.Argument(..., metavar="ID"),
    month: str = typer.Option(..., "--month"),
    priority: str = typer.Option(..., "--priority"),
    rank: str = typer.Option(..., "--rank"),
    as_json: bool = JSON,
) -> None:
    """Re-rank a line in a new monthly version of the list."""
    _write(
        ctx,
        requirements.reprioritise_requirement,
        requirements.Reprioritise(requirement_id, month, priority, rank),
        as_json=as_json,
    )


@requirement.command("list")
def requirement_list(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="the list as ranked in this month (YYYY-MM)"),
    state_: str | None = typer.Option(None, "--state"),
    category: str | None = typer.Option(None, "--category"),
    as_json: bool = JSON,
) -> None:
    _list(
        ctx,
        lambda c: queries.list_requirements(c, month=month, state=state_, category=category),
        as_json,
        "prioritised requirements",
        [
            ("priority", "tier"),
            ("rank", "rank"),
            ("id", "id"),
            ("item", "item"),
            ("category", "category"),
            ("quantity", "qty"),
            ("funded_quantity", "funded"),
            ("delivered_quantity", "delivered"),
            ("unit_price", "unit price"),
            ("unit_price_currency", "cur"),
            ("origin", "origin"),
            ("state", "state"),
        ],
        numeric=("quantity", "funded_quantity", "delivered_quantity", "unit_price"),
    )


@requirement.command("show")
def requirement_show(
    ctx: typer.Context, requirement_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    _show(ctx, lambda c: queries.requirement(c, requirement_id), as_json, f"requirement {requirement_id}")


# --- pledges and allocations ---------------------------------------------------------------
pledge = _sub("pledge", "Pledges of money, and their allocation to package lines.")


@pledge.command("announce")
def pledge_announce(
    ctx: typer.Context,
    funder: str = typer.Option(..., "--funder"),
    amount: str = typer.Option(..., "--amount"),
    currency: str = typer.Option(..., "--currency"),
    pledged_on: str = typer.Option(..., "--date", help="YYYY-MM-DD"),
    mechanism: str = typer.Option(..., "--mechanism", help="purl | drone_deal | bilateral"),
    category: list[str] = typer.Option([], "--category", help="earmark: only this category (repeatable)"),
    origin: list[str] = typer.Option([], "--origin", help="earmark: only equipment made here (repeatable)"),
    valid_from: str | None = typer.Option(None, "--valid-from"),
    valid_until: str | None = typer.Option(None, "--valid-until"),
    note: str = typer.Option("", "--note"),
    commit: bool = typer.Option(False, "--commit", help="also record it as committed"),
    pledge_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Announce a pledge."""
    cmd = funding.AnnouncePledge(
        funder=funder,
        amount=amount,
        currency=currency,
        pledged_on=pledged_on,
        mechanism=mechanism,
        categories=tuple(category),
        origins=tuple(origin),
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
        id=pledge_id,
        commit=commit,
        disclosure=tuple(disclose),
    )
    _write(ctx, funding.announce_pledge, cmd, as_json=as_json)


@pledge.command("commit")
def pledge_commit(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="ID"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    _write(ctx, funding.commit_pledge, pledge_id, on=on, as_json=as_json)


@pledge.command("expire")
def pledge_expire(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="ID"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    """Expire a pledge whose validity window has closed."""
    _write(ctx, funding.expire_pledge, pledge_id, on=on, as_json=as_json)


@pledge.command("allocate")
def pledge_allocate(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="PLEDGE"),
    package_id: str = typer.Option(..., "--package"),
    line: str = typer.Option(..., "--line"),
    amount: str = typer.Option(..., "--amount"),
    currency: str | None = typer.Option(None, "--currency", help="the pledge's (default) or the package's currency"),
    on: str | None = typer.Option(None, "--on", help="allocation date (default today, UTC)"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Assign part of a pledge to a package line."""
    cmd = funding.Allocate(pledge_id, package_id, line, amount, currency, on, disclosure=tuple(disclose))
    _write(ctx, funding.allocate, cmd, as_json=as_json)


@pledge.command("list")
def pledge_list(
    ctx: typer.Context,
    funder: str | None = typer.Option(None, "--funder"),
    state_: str | None = typer.Option(None, "--state"),
    as_json: bool = JSON,
) -> None:
    _list(
        ctx,
        lambda c: queries.list_pledges(c, funder=funder, state=state_),
        as_json,
        "pledges",
        [
            ("id", "id"),
            ("funder", "funder"),
            ("pledged_on", "date"),
            ("mechanism", "mechanism"),
            ("amount", "amount"),
            ("allocated", "allocated"),
            ("remaining", "remaining"),
            ("amount_currency", "cur"),
            ("categories", "earmarks"),
            ("state", "state"),
        ],
        numeric=("amount", "allocated", "remaining"),
    )


@pledge.command("show")
def pledge_show(ctx: typer.Context, pledge_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON) -> None:
    data = _show(ctx, lambda c: queries.pledge(c, pledge_id), as_json, f"pledge {pledge_id}")
    if not as_json:
        table(
            "allocations",
            data["allocations"],
            [
                ("id", "id"),
                ("package_id", "package"),
                ("line_no", "line"),
                ("amount", "amount"),
                ("amount_currency", "cur"),
                ("line_amount", "line amount"),
                ("line_amount_currency", "cur"),
                ("fx_rate", "rate"),
                ("fx_date", "rate date"),
                ("allocated_on", "on"),
            ],
            numeric=("amount", "line_amount"),
        )


# --- packages ------------------------------------------------------------------------------
package = _sub("package", "Packages of requirement lines: draft, propose, approve, close.")


@package.command("draft")
def package_draft(
    ctx: typer.Context,
    title: str = typer.Option(..., "--title"),
    mechanism: str = typer.Option(..., "--mechanism"),
    seller: str = typer.Option(..., "--seller"),
    recipient: str = typer.Option(..., "--recipient"),
    currency: str = typer.Option(..., "--currency"),
    approver: list[str] = typer.Option([], "--approver", help="party whose approval is needed (default: the seller)"),
    package_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    cmd = packages.DraftPackage(
        title, mechanism, seller, recipient, currency, tuple(approver), package_id, tuple(disclose)
    )
    _write(ctx, packages.draft_package, cmd, as_json=as_json)


@package.command("add-line")
def package_add_line(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    requirement_id: str = typer.Option(..., "--requirement"),
    quantity: str = typer.Option(..., "--quantity"),
    unit_price: str | None = typer.Option(None, "--unit-price", help="default: the requirement's estimate"),
    origin: str | None = typer.Option(
        None, "--origin", help="where it is made (default: US for PURL, UA for Drone Deal)"
    ),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    cmd = packages.AddLine(package_id, requirement_id, quantity, unit_price, origin, tuple(disclose))
    _write(ctx, packages.add_line, cmd, as_json=as_json)


@package.command("propose")
def package_propose(
    ctx: typer.Context, package_id: str = typer.Argument(..., metavar="PACKAGE"), as_json: bool = JSON
) -> None:
    _write(ctx, packages.propose_package, package_id, as_json=as_json)


@package.command("approve")
def package_approve(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    by: str = typer.Option(..., "--by", help="the approving party"),
    reason: str = typer.Option("", "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    _write(ctx, packages.decide_package, packages.Decide(package_id, by, "approve", reason, on), as_json=as_json)


@package.command("reject")
def package_reject(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    by: str = typer.Option(..., "--by"),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    _write(ctx, packages.decide_package, packages.Decide(package_id, by, "reject", reason, on), as_json=as_json)


@package.command("close")
def package_close(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    _write(ctx, packages.close_package, package_id, on=on, as_json=as_json)


@package.command("list")
def package_list(ctx: typer.Context, state_: str | None = typer.Option(None, "--state"), as_json: bool = JSON) -> None:
    _list(
        ctx,
        lambda c: queries.list_packages(c, state=state_),
        as_json,
        "packages",
        [
            ("id", "id"),
            ("title", "title"),
            ("mechanism", "mechanism"),
            ("seller", "seller"),
            ("value", "value"),
            ("funded", "funded"),
            ("currency", "cur"),
            ("state", "state"),
        ],
        numeric=("value", "funded"),
    )


@package.command("show")
def package_show(
    ctx: typer.Context, package_id: str = typer.Argument(..., metavar="PACKAGE"), as_json: bool = JSON
) -> None:
    data = _show(ctx, lambda c: queries.package(c, package_id), as_json, f"package {package_id}")
    if not as_json:
        table(
            "lines",
            data["lines"],
            [
                ("line_no", "line"),
                ("requirement_id", "requirement"),
                ("item", "item"),
                ("quantity", "qty"),
                ("unit_price", "unit price"),
                ("value", "value"),
                ("funded", "funded"),
                ("origin", "origin"),
            ],
            numeric=("quantity", "unit_price", "value", "funded"),
        )
        table(
            "decisions",
            data["decisions"],
            [("party", "party"), ("decision", "decision"), ("reason", "reason"), ("decided_on", "on")],
        )


# --- contracts -----------------------------------------------------------------------------
contract = _sub("contract", "Contracts with suppliers (the Drone Deal's purchase agreement is one).")


@contract.command("sign")
def contract_sign(
    ctx: typer.Context,
    package_id: str = typer.Option(..., "--package"),
    buyer: str = typer.Option(..., "--buyer"),
    supplier: str = typer.Option(..., "--supplier"),
    kind: str = typer.Option("purchase", "--kind", help="purchase | stock_draw | purchase_agreement"),
    signed_on: str = typer.Option(..., "--signed-on"),
    line: list[str] = typer.Option(..., "--line", help="PACKAGE_LINE:QUANTITY[:UNIT_PRICE] (repeatable)"),
    due: list[str] = typer.Option([], "--due", help="CONTRACT_LINE:DATE:QUANTITY delivery schedule (repeatable)"),
    contract_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    lines = tuple(LineTerms(*split_spec(f"line[{i}]", text, 3, optional=1)) for i, text in enumerate(line, 1))
    schedule = tuple(DeliveryTerms(*split_spec(f"due[{i}]", text, 3)) for i, text in enumerate(due, 1))
    cmd = contracts.SignContract(
        package_id, buyer, supplier, kind, signed_on, lines, schedule, contract_id, tuple(disclose)
    )
    _write(ctx, contracts.sign_contract, cmd, as_json=as_json)


@contract.command("list")
def contract_list(
    ctx: typer.Context, package_id: str | None = typer.Option(None, "--package"), as_json: bool = JSON
) -> None:
    _list(
        ctx,
        lambda c: queries.list_contracts(c, package_id=package_id),
        as_json,
        "contracts",
        [
            ("id", "id"),
            ("package_id", "package"),
            ("buyer", "buyer"),
            ("supplier", "supplier"),
            ("kind", "kind"),
            ("signed_on", "signed"),
            ("currency", "cur"),
        ],
    )


@contract.command("show")
def contract_show(
    ctx: typer.Context, contract_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    data = _show(ctx, lambda c: queries.contract(c, contract_id), as_json, f"contract {contract_id}")
    if not as_json:
        table(
            "lines",
            data["lines"],
            [
                ("line_no", "line"),
                ("package_line_no", "package line"),
                ("item", "item"),
                ("quantity", "qty"),
                ("unit_price", "unit price"),
            ],
            numeric=("quantity", "unit_price"),
        )
        table("delivery schedule", data["schedule"], [("line_no", "line"), ("due", "due"), ("quantity", "qty")])


# --- facilities and production ---------------------------------------------------------------
facility = _sub("facility", "Production facilities, their owners and monthly capacity.")


@facility.command("add")
def facility_add(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name"),
    country: str = typer.Option(..., "--country"),
    owner: list[str] = typer.Option(..., "--owner", help="PARTY:SHARE_PERCENT (repeatable)"),
    facility_id: str | None = typer.Option(None, "--id"),
    as_json: bool = JSON,
) -> None:
    owners = tuple(tuple(split_spec(f"owner[{i}]", text, 2)) for i, text in enumerate(owner, 1))
    _write(
        ctx,
        production.register_facility,
        production.RegisterFacility(name, country, owners, facility_id),
        as_json=as_json,
    )  # type: ignore[arg-type]


@facility.command("capacity")
def facility_capacity(
    ctx: typer.Context,
    facility_id: str = typer.Argument(..., metavar="FACILITY"),
    item: str = typer.Option(..., "--item"),
    from_month: str = typer.Option(..., "--from", help="YYYY-MM"),
    monthly: str = typer.Option(..., "--monthly", help="units per month from then on"),
    as_json: bool = JSON,
) -> None:
    _write(
        ctx, production.set_capacity, production.SetCapacity(facility_id, item, from_month, monthly), as_json=as_json
    )


@facility.command("list")
def facility_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    _list(
        ctx,
        queries.list_facilities,
        as_json,
        "facilities",
        [("id", "id"), ("name", "name"), ("country", "country"), ("owners", "owners"), ("capacity", "capacity")],
    )


order = _sub("order", "Production orders and their lots.")


@order.command("place")
def order_place(
    ctx: typer.Context,
    facility_id: str = typer.Option(..., "--facility"),
    contract_id: str = typer.Option(..., "--contract"),
    line: str = typer.Option(..., "--line", help="contract line"),
    quantity: str = typer.Option(..., "--quantity"),
    due: str = typer.Option(..., "--due"),
    order_id: str | None = typer.Option(None, "--id"),
    priority: str = typer.Option("1", "--priority", help="weight of its lateness in planning, 1-100"),
    as_json: bool = JSON,
) -> None:
    _write(
        ctx,
        production.place_order,
        production.PlaceOrder(facility_id, contract_id, line, quantity, due, order_id, priority),
        as_json=as_json,
    )


@order.command("start")
def order_start(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    _write(ctx, production.start_order, order_id, on=on, as_json=as_json)


@order.command("lot")
def order_lot(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    quantity: str = typer.Option(..., "--quantity"),
    produced_on: str = typer.Option(..., "--produced-on"),
    as_json: bool = JSON,
) -> None:
    """Record a lot produced for the order."""
    _write(ctx, production.record_lot, order_id, quantity=quantity, produced_on=produced_on, as_json=as_json)


@order.command("inspect")
def order_inspect(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    lot_id: str = typer.Argument(..., metavar="LOT"),
    accepted: str = typer.Option(..., "--accepted"),
    rejected: str = typer.Option("0", "--rejected"),
    reason: str = typer.Option("", "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    """Record quality control of a lot: accepted and rejected units."""
    _write(
        ctx,
        production.inspect_lot,
        production.InspectLot(order_id, lot_id, accepted, rejected, reason, on),
        as_json=as_json,
    )


@order.command("cancel")
def order_cancel(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    _write(ctx, production.cancel_order, order_id, reason=reason, on=on, as_json=as_json)


@order.command("list")
def order_list(
    ctx: typer.Context, facility_id: str | None = typer.Option(None, "--facility"), as_json: bool = JSON
) -> None:
    _list(
        ctx,
        lambda c: queries.list_orders(c, facility_id=facility_id),
        as_json,
        "production orders",
        [
            ("id", "id"),
            ("facility_id", "facility"),
            ("contract_id", "contract"),
            ("contract_line_no", "line"),
            ("item", "item"),
            ("quantity", "qty"),
            ("accepted", "accepted"),
            ("due", "due"),
            ("state", "state"),
        ],
        numeric=("quantity", "accepted"),
    )


# --- shipments -------------------------------------------------------------------------------
shipment = _sub("shipment", "Shipments against contract lines and their receipt.")


@shipment.command("send")
def shipment_send(
    ctx: typer.Context,
    contract_id: str = typer.Option(..., "--contract"),
    shipped_on: str = typer.Option(..., "--shipped-on"),
    line: list[str] = typer.Option(..., "--line", help="CONTRACT_LINE:QUANTITY[@LOT=QTY,LOT=QTY] (repeatable)"),
    shipment_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    lines = []
    for i, text in enumerate(line, 1):
        head, _, lot_text = text.partition("@")
        line_no, quantity = split_spec(f"line[{i}]", head, 2)
        lots = tuple(tuple(split_spec(f"line[{i}].lots", part, 2, sep="=")) for part in lot_text.split(",") if part)
        lines.append(ShippedLine(line_no, quantity, lots))  # type: ignore[arg-type]
    cmd = shipments.Dispatch(contract_id, shipped_on, tuple(lines), shipment_id, tuple(disclose))
    _write(ctx, shipments.dispatch, cmd, as_json=as_json)


@shipment.command("receive")
def shipment_receive(
    ctx: typer.Context,
    shipment_id: str = typer.Argument(..., metavar="SHIPMENT"),
    received_on: str = typer.Option(..., "--received-on"),
    line: list[str] = typer.Option([], "--line", help="CONTRACT_LINE:QUANTITY_RECEIVED (default: all shipped)"),
    note: str = typer.Option("", "--note", help="discrepancy note (required when fewer arrived)"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    quantities = {}
    for i, text in enumerate(line, 1):
        line_no, quantity = split_spec(f"line[{i}]", text, 2)
        quantities[parse_int(f"line[{i}]", line_no, minimum=1)] = quantity
    cmd = shipments.Receive(shipment_id, received_on, quantities or None, note, tuple(disclose))
    _write(ctx, shipments.receive, cmd, as_json=as_json)


@shipment.command("lost")
def shipment_lost(
    ctx: typer.Context,
    shipment_id: str = typer.Argument(..., metavar="SHIPMENT"),
    reason: str = typer.Option(..., "--reason"),
    on: str = typer.Option(..., "--on"),
    as_json: bool = JSON,
) -> None:
    _write(ctx, shipments.report_lost, shipment_id, reason=reason, on=on, as_json=as_json)


@shipment.command("list")
def shipment_list(
    ctx: typer.Context, contract_id: str | None = typer.Option(None, "--contract"), as_json: bool = JSON
) -> None:
    _list(
        ctx,
        lambda c: queries.list_shipments(c, contract_id=contract_id),
        as_json,
        "shipments",
        [
            ("id", "id"),
            ("contract_id", "contract"),
            ("shipped_on", "shipped"),
            ("received_on", "received"),
            ("lines", "lines"),
            ("state", "state"),
            ("note", "note"),
        ],
    )
