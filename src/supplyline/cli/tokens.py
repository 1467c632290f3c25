"""`supplyline token`: API tokens for parties, by role (issued and revoked on the ledger)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ..domain.access import TOKEN_ROLES
from .app import JSON, app, state
from .lazy import lazy
from .render import console, emit_json, outcome, table

if TYPE_CHECKING:
    from ..services.access import tokens
else:
    tokens = lazy("supplyline.services.access.tokens")

token = typer.Typer(no_args_is_help=True, help="API tokens: one party acting in one role.")
app.add_typer(token, name="token")


@token.command("create")
def token_create(
    ctx: typer.Context,
    party: str = typer.Option(..., "--party", help="the party the token acts as"),
    role: str = typer.Option(..., "--role", help=" | ".join(TOKEN_ROLES)),
    label: str = typer.Option("", "--label", help="what or who it is for"),
    as_json: bool = JSON,
) -> None:
    """Issue a token; its secret is printed once and never stored."""
    st = state(ctx)
    issued = tokens.issue_token(st.store(), st.acting, tokens.IssueToken(party, role, label))
    if as_json:
        emit_json({**issued.outcome.to_json(), "secret": issued.secret})
        return
    outcome(issued.outcome, as_json=False)
    console.print(f"secret (shown once, keep it safe): {issued.secret}", markup=False, highlight=False)


@token.command("list")
def token_list(ctx: typer.Context, party: str | None = typer.Option(None, "--party"), as_json: bool = JSON) -> None:
    with state(ctx).reader().read() as conn:
        rows = tokens.list_tokens(conn, party=party)
    if as_json:
        emit_json(rows)
        return
    table(
        "API tokens",
        rows,
        [
            ("id", "id"),
            ("party", "party"),
            ("role", "role"),
            ("label", "label"),
            ("state", "state"),
            ("issued_at", "issued (UTC)"),
            ("revoked_at", "revoked (UTC)"),
        ],
    )


@token.command("revoke")
def token_revoke(
    ctx: typer.Context,
    token_id: str = typer.Argument(..., metavar="TOKEN"),
    reason: str = typer.Option("", "--reason"),
    as_json: bool = JSON,
) -> None:
    """Revoke a token: requests with it are refused from now on."""
    st = state(ctx)
    outcome(tokens.revoke_token(st.store(), st.acting, token_id, reason=reason), as_json=as_json)
