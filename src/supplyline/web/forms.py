"""The dashboard's forms on a package (issue 21 item 5): the coordinator proposes, validates or
returns it, a paying funder concurs or objects, an approver approves or rejects it.

Each form is a plain HTML form posted back to its own address (POST, then a redirect to the
package, then GET), so it works with JavaScript off; each sends the command class the API's
endpoint sends (``api/routes/packages.py``), through ``acting.send``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from sqlalchemy.engine import Connection

from ..domain.access import Principal
from ..services.bus import Command
from ..services.reads import queries
from ..services.records import agreement, packages
from . import acting, session
from .acting import About, Posted
from .form_kit import N_, Field, Form, Spec, add_form

# --- the package's forms ---------------------------------------------------------------------


@dataclass(frozen=True)
class PackageAct:
    """A form on a package: who may act is the policy row of the command it sends, narrowed
    as the API narrows it (an approver decides as itself)."""

    form: Form
    action: str
    states: tuple[str, ...]
    build: Callable[[str, str, Posted], Command]
    #: whether this party has a turn on this package (approvers, paying funders), beside the policy row
    turn: Callable[[Connection, str, dict], bool] = lambda _conn, _party, _package: True


def _on(posted: Posted) -> str | None:
    return posted.get("on") or None


def _approver_to_decide(_conn: Connection, party: str, package: dict) -> bool:
    return party in package["approvers"] and all(d["party"] != party for d in package["decisions"])


def _step_of(step: str) -> Callable[[Connection, str, dict], bool]:
    """Whether the package's checklist (its mechanism's steps) still waits on this party for ``step``."""

    def turn(_conn: Connection, party: str, package: dict) -> bool:
        asked = {"coordinator", party}  # the checklist names the coordinator's step by role until it is done
        return any(
            i["step"] == step and i["party"] in asked and not i["verdict"] for i in package.get("checklist") or ()
        )

    return turn


ON = Field("on", N_("On"), "date", hint=N_("the day it was done; today when left empty"))
REASON = Field(
    "reason", N_("Reason"), "textarea", hint=N_("needed to reject or object; shown to the package's parties")
)


def _verdict_form(title: str, intro: str, button: str, choice: Field) -> Form:
    """A choice (its first option chosen at first), a reason and the day."""
    return Form(title, intro, button, (replace(choice, default=choice.choices[0][0]), REASON, ON))


ACTS: dict[str, PackageAct] = {
    "propose": PackageAct(
        Form(
            N_("Propose the package"), N_("The draft goes to its parties for their steps and decision."), N_("Propose")
        ),
        packages.ProposePackage.ACTION,
        ("draft",),
        lambda pid, _party, _p: packages.ProposePackage(package_id=pid),
    ),
    "validate": PackageAct(
        Form(
            N_("Validate the package"),
            N_("As the coordinator: the package may go to its seller."),
            N_("Validate"),
            (ON,),
        ),
        agreement.ValidatePackage.ACTION,
        ("proposed",),
        lambda pid, _party, p: agreement.ValidatePackage(package_id=pid, on=_on(p)),
        _step_of("validation"),
    ),
    "return": PackageAct(
        Form(
            N_("Return the package to draft"),
            N_("Say what must change: its steps start again once it is proposed again."),
            N_("Return to draft"),
            (Field("reasons", N_("Reasons"), "textarea", required=True), ON),
        ),
        agreement.ReturnPackage.ACTION,
        ("proposed",),
        lambda pid, _party, p: agreement.ReturnPackage(package_id=pid, reasons=p.get("reasons"), on=_on(p)),
    ),
    "concur": PackageAct(
        _verdict_form(
            N_("Concur or object"),
            N_("As a funder whose pledge pays for the package."),
            N_("Record"),
            Field("verdict", N_("Verdict"), "choice", (("concur", N_("Concur")), ("object", N_("Object")))),
        ),
        agreement.Concur.ACTION,
        ("proposed",),
        lambda pid, _party, p: agreement.Concur(
            package_id=pid, verdict=p.get("verdict"), reason=p.get("reason"), on=_on(p)
        ),
        _step_of("concurrence"),
    ),
    "decide": PackageAct(
        _verdict_form(
            N_("Approve or reject"),
            N_("As an approver of the package; a rejection returns its money to its pledges."),
            N_("Record the decision"),
            Field("decision", N_("Decision"), "choice", (("approve", N_("Approve")), ("reject", N_("Reject")))),
        ),
        packages.Decide.ACTION,
        ("proposed",),
        lambda pid, party, p: packages.Decide(
            package_id=pid, party=party, decision=p.get("decision"), reason=p.get("reason"), on=_on(p)
        ),
        _approver_to_decide,
    ),
}


def _about(slug: str, package_id: str, principal: Principal) -> About:
    # the API's decision endpoint narrows who acts to the party it decides as: here, always the poster
    party = principal.party or ""
    return About("package", package_id, acting=(lambda _conn: [party]) if slug == "decide" else None)


def package_actions(who: session.PageViewer, conn: Connection, package: dict) -> list[tuple[str, str]]:
    """The forms this viewer may use on this package now, as (address, title): the page
    shows a button for each, and no other."""
    principal = who.principal
    if principal.is_public:
        return []
    shown = []
    for slug, act in ACTS.items():
        if (
            package["state"] in act.states
            and acting.may(conn, principal, act.action, _about(slug, package["id"], principal))
            and act.turn(conn, principal.party or "", package)
        ):
            shown.append((f"/packages/{package['id']}/act/{slug}", act.form.title))
    return shown


def _package(conn: Connection, package_id: str) -> dict:
    return dict(queries.package(conn, package_id))


def _summary(package: dict) -> str:
    return f"{package['id']} {package['title']} ({package['state'].replace('_', ' ')})"


SPECS = {
    slug: Spec(
        act.form,
        act.action,
        f"/packages/{{}}/act/{slug}",
        "/packages/{}",
        partial(_about, slug),
        _package,
        act.build,
        done=lambda package_id, _id: f"/packages/{package_id}#actions",
        summary=_summary,
    )
    for slug, act in ACTS.items()
}


for _spec in SPECS.values():
    add_form(_spec, "package_id")
