"""The dashboard's words for values the services hand over as codes (a money stage, a step's
verdict, who must act, a queue's action): each code's English, marked for the catalogue and
translated where a template shows it (``{{ _(words.stage[s]) }}``). A code without an entry
is shown as it is."""

from __future__ import annotations

from . import i18n
from .i18n import N_

#: stages of a pledge's money (money page, overview, package page) and of the funnel
STAGE = {
    "committed": N_("Committed"),
    "paid_in": N_("Paid in"),
    "allocated": N_("Allocated"),
    "unallocated": N_("Unallocated"),
    "transferred": N_("Transferred"),
    "obligated": N_("Obligated"),
    "expended": N_("Expended"),
    "released": N_("Released"),
    "returned": N_("Returned"),
    "pledged": N_("Pledged"),
    "contracted": N_("Contracted"),
    "delivered": N_("Delivered"),
    "need": N_("Need"),
}

#: a payment in a package's trace, by the stage it moves money through
PAYMENT = {
    "paid_in": N_("paid into the account"),
    "transferred": N_("transferred to the seller"),
    "expended": N_("paid to the supplier"),
}

#: the steps a package passes before its seller decides, and their verdicts
STEP = {"validation": N_("Validation"), "concurrence": N_("Concurrence")}
VERDICT = {
    "validated": N_("validated"),
    "returned": N_("returned to draft"),
    "concur": N_("concurred"),
    "object": N_("objected"),
}

#: a named approver's decision on a package, and what a contract buys with
DECISION = {"approve": N_("approve"), "reject": N_("reject")}
CONTRACT_KIND = {
    "purchase": N_("purchase"),
    "stock_draw": N_("stock draw"),
    "purchase_agreement": N_("purchase agreement"),
}

#: a contract change's state (a refusal is said with its party and reason)
CHANGE_STATE = {"proposed": N_("awaiting acceptance"), "in_force": N_("in force")}

#: an audit finding's steps
FINDING_STEP = {
    "opened": N_("opened"),
    "responded": N_("answered"),
    "closed": N_("closed"),
    "reopened": N_("reopened"),
}

#: who must act on something late
ROLE = {
    "supplier": N_("supplier"),
    "seller": N_("seller"),
    "coordinator": N_("coordinator"),
    "approver": N_("approver"),
    "funder": N_("funder (to concur)"),
}

#: whom a queued item waits on before it is the reader's
WAITING_ON = {**ROLE, "coordinator": N_("coordinator (to validate)")}

#: what waits on a party, and the kind of record it waits on
ACTION = {
    "decide": N_("decide on the package"),
    "receive": N_("confirm the receipt"),
    "inventory": N_("inventory the items"),
    "explain": N_("explain the late delivery"),
    "fund": N_("fund the requirement"),
    "validate": N_("validate the package"),
    "concur": N_("concur or object"),
    "approve": N_("approve the list version"),
}
KIND = {
    "package": N_("package"),
    "contract": N_("contract"),
    "order": N_("production order"),
    "shipment": N_("shipment"),
    "requirement": N_("requirement"),
    "list_version": N_("list version"),
    "document": N_("document"),
    "finding": N_("finding"),
}

#: a record's state, whatever its kind (domain/lifecycle.py)
STATE = {
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "validated": N_("validated"),
    "partly_funded": N_("partly funded"),
    "funded": N_("funded"),
    "fulfilled": N_("fulfilled"),
    "withdrawn": N_("withdrawn"),
    "announced": N_("announced"),
    "committed": N_("committed"),
    "partly_allocated": N_("partly allocated"),
    "exhausted": N_("exhausted"),
    "expired": N_("expired"),
    "paid_in": N_("paid in"),
    "transferred": N_("transferred"),
    "obligated": N_("obligated"),
    "expended": N_("expended"),
    "returned": N_("returned"),
    "proposed": N_("proposed"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "contracted": N_("contracted"),
    "delivering": N_("delivering"),
    "delivered": N_("delivered"),
    "closed": N_("closed"),
    "placed": N_("placed"),
    "in_production": N_("in production"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "shipped": N_("shipped"),
    "received": N_("received"),
    "lost": N_("lost"),
    "in_transit": N_("in transit"),
    "held": N_("held"),
    "missing": N_("missing"),
    "destroyed": N_("destroyed"),
    "stolen": N_("stolen"),
    "handed_over": N_("handed over"),
    "confirmed": N_("confirmed"),
    "open": N_("open"),
    "answered": N_("answered"),
    "in_force": N_("in force"),
}

#: the prioritised list's categories (domain/values.py)
CATEGORY = {
    "air_defence": N_("air defence"),
    "aerial_drones": N_("aerial drones"),
    "naval_drones": N_("naval drones"),
    "ground_drones": N_("ground drones"),
    "artillery_ammunition": N_("artillery ammunition"),
    "electronic_warfare": N_("electronic warfare"),
    "armoured_vehicles": N_("armoured vehicles"),
    "small_arms": N_("small arms"),
    "engineering": N_("engineering"),
    "communications": N_("communications"),
    "medical": N_("medical"),
    "sustainment": N_("sustainment"),
}

#: an audit finding's severity
SEVERITY = {
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    "critical": N_("critical"),
}

#: how a package is funded
MECHANISM = {
    "purl": N_("purl"),
    "drone_deal": N_("drone deal"),
    "bilateral": N_("bilateral"),
}

WORDS = {
    "stage": STAGE,
    "payment": PAYMENT,
    "step": STEP,
    "verdict": VERDICT,
    "decision": DECISION,
    "contract_kind": CONTRACT_KIND,
    "change_state": CHANGE_STATE,
    "finding_step": FINDING_STEP,
    "role": ROLE,
    "waiting_on": WAITING_ON,
    "action": ACTION,
    "kind": KIND,
    "state": STATE,
    "category": CATEGORY,
    "severity": SEVERITY,
    "mechanism": MECHANISM,
}

#: the Kiel comparison's caveat, as services/interchange/kiel_purl.py words it
KIEL_CONTEXT = N_(
    "context, not like for like: supplyline's pledges under every mechanism beside the tracker's "
    "military allocations of the same donors (bilateral aid, stocks and other channels included)"
)


def say(lang: str, group: str, code: str | None) -> str:
    """A code in the reader's words: its catalogue entry, else the code as it reads."""
    if code is None:
        return ""
    found = WORDS[group].get(code)
    return i18n.gettext(lang, found) if found else str(code).replace("_", " ")
