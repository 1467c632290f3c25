"""`supplyline demo`: load the demo data and show the funnel and one trace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..domain.errors import Refused
from .app import app, state
from .lazy import lazy
from .render import console
from .reports import print_funnel, print_trace
from .transparency import key_path

if TYPE_CHECKING:
    from .. import settings as settings_module
    from ..services.access import tokens
    from ..services.demo_ledger import demo as demo_data
    from ..services.demo_ledger import demo_evidence
    from ..services.interchange import kiel as kiel_service
    from ..services.log import signing, transparency
    from ..services.reads import queries, reports
    from ..store import keyfile
    from ..store import signing as store_signing
else:
    settings_module = lazy("supplyline.settings")
    store_signing = lazy("supplyline.store.signing")
    tokens = lazy("supplyline.services.access.tokens")
    demo_data = lazy("supplyline.services.demo_ledger.demo")
    demo_evidence = lazy("supplyline.services.demo_ledger.demo_evidence")
    kiel_service = lazy("supplyline.services.interchange.kiel")
    signing = lazy("supplyline.services.log.signing")
    transparency = lazy("supplyline.services.log.transparency")
    queries = lazy("supplyline.services.reads.queries")
    reports = lazy("supplyline.services.reads.reports")
    keyfile = lazy("supplyline.store.keyfile")


def _remove_sqlite_file(url: str) -> None:
    from sqlalchemy.engine import make_url  # here: `supplyline --help` does not load SQLAlchemy

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise Refused("--reset removes a SQLite file; for PostgreSQL give an empty database instead", field="reset")
    for suffix in ("", "-wal", "-shm"):
        Path(parsed.database + suffix).unlink(missing_ok=True)


def _write_documents(url: str) -> None:
    """The demo's attached PDFs beside a SQLite ledger, to try `audit document` on (issue 18)."""
    from sqlalchemy.engine import make_url  # here: `supplyline --help` does not load SQLAlchemy

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    folder = Path(parsed.database).parent / "demo-documents"
    folder.mkdir(exist_ok=True)
    for name, data in demo_evidence.ORIGINALS.items():
        (folder / name).write_bytes(data)
    first = folder / next(iter(demo_evidence.ORIGINALS))
    console.print(f"\nthe documents attached are in {folder}/: `supplyline audit document {first}`", markup=False)


#: What a demo without the tracker's files leaves out, and where to get them.
KIEL_SKIPPED = (
    "Skipped: the comparison with the Kiel Institute's Ukraine Support Tracker (no tracker files given). "
    "Download the tracker's data from https://www.ifw-kiel.de/topics/war-against-ukraine/ukraine-support-tracker/ "
    "(data_explorer.csv with release_info.csv and procurement_trends.csv beside it), then run "
    "`make demo KIEL=path/to/data_explorer.csv` or `supplyline import kiel path/to/data_explorer.csv`."
)


@app.command()
def demo(
    ctx: typer.Context,
    reset: bool = typer.Option(False, "--reset", help="start from a fresh SQLite file (deletes the existing one)"),
    currency: str = typer.Option("USD", "--currency", help="reporting currency of the funnel shown at the end"),
    with_tokens: bool = typer.Option(False, "--tokens", help="also issue API tokens to try the dashboard and API with"),
    kiel: Path | None = typer.Option(
        None,
        "--kiel",
        help="also import the Kiel tracker's data_explorer.csv (and procurement_trends.csv beside it), to compare",
    ),
) -> None:
    """Load the demo data (public PURL figures, illustrative details) into an empty ledger."""
    st = state(ctx)
    if reset:
        _remove_sqlite_file(st.db)
        keyfile.default_path(st.db).unlink(missing_ok=True)  # a new log gets a new identity
        store_signing.checkpoint_file(keyfile.default_path(st.db)).unlink(missing_ok=True)
    transparency.ensure_key(key_path(ctx), settings_module.load().log_name)
    store = st.store(create=True)  # signs every write with that key
    with store.read() as conn:  # a ledger `init` made holds its KeyPinned event only
        if queries.ledger_summary(conn)["events"] > len(store_signing.log_key(conn)[1]):
            raise Refused(f"the ledger at {st.db} is not empty: use --reset (SQLite) or another database", field="db")
    signing.pin_key(store, st.acting)  # the genesis event names the log's key
    shown = demo_data.load(store)
    if kiel is not None:
        imported = kiel_service.import_kiel(store, st.acting, kiel)
        console.print(f"Kiel tracker release {imported.release} imported from {kiel}", markup=False)
        if imported.purl.get("source") is None:
            console.print(f"  without its PURL series: {imported.purl['note']}", markup=False)
    else:
        console.print(KIEL_SKIPPED, markup=False)
    with store.read() as conn:
        summary = queries.ledger_summary(conn)
        funnel = reports.funnel(conn, currency)
        trace = reports.trace(conn, shown["trace_package"])
    console.print(f"[green]demo loaded[/] into {st.db}: {summary['events']} events, head {summary['head'][:16]}…\n")
    print_funnel(funnel)
    console.print()
    print_trace(trace)
    _write_documents(st.db)
    if with_tokens:
        console.print("\nAPI tokens to sign in to the dashboard or call the API with (demo only; shown once):")
        for party, role in demo_data.DEMO_TOKENS:
            issued = tokens.issue_token(store, st.acting, tokens.IssueToken(party=party, role=role, label="demo"))
            console.print(f"  {party:<11} {role:<12} {issued.secret}")
