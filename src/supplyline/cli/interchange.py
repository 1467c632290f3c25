"""Files in and out: `supplyline import pledges|requirements|fx|kiel FILE`, `supplyline export
ocds OUT.json`, and `supplyline report kiel`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .app import JSON, app, state
from .lazy import lazy
from .render import console, emit_json, errors, table
from .reports import OUT, print_kiel, report, write_out

if TYPE_CHECKING:
    from .. import settings as settings_module
    from ..engines.interchange import report_files
    from ..services.interchange import imports, kiel, opendata, party_import
    from ..services.reads import report_sheets
else:
    settings_module = lazy("supplyline.settings")
    report_files = lazy("supplyline.engines.interchange.report_files")
    report_sheets = lazy("supplyline.services.reads.report_sheets")
    imports = lazy("supplyline.services.interchange.imports")
    kiel = lazy("supplyline.services.interchange.kiel")
    opendata = lazy("supplyline.services.interchange.opendata")
    party_import = lazy("supplyline.services.interchange.party_import")

imports_app = typer.Typer(
    no_args_is_help=True, help="Take users' files in: spreadsheets, ECB rates, Kiel tracker data."
)
app.add_typer(imports_app, name="import")
export_app = typer.Typer(no_args_is_help=True, help="Give the ledger's data out in open formats.")
app.add_typer(export_app, name="export")

FILE = typer.Argument(..., metavar="FILE", help=".csv or .xlsx")
MAPPING = typer.Option(
    None, "--mapping", help="column-mapping file (.yaml or .toml): your headers, number and date formats"
)
SKIP = typer.Option(False, "--skip-invalid", help="write the valid rows and put the invalid ones in a reject file")
REJECTS = typer.Option(None, "--rejects", help="reject file (default: FILE.rejects.csv|xlsx beside FILE)")
DRY_RUN = typer.Option(
    False, "--dry-run", help="show what would be created, skipped, rounded and refused; write nothing"
)
CREATE_PARTIES = typer.Option(
    False, "--create-parties", help="register the parties the file names that the ledger does not know"
)


def _print_import(result: imports.ImportResult, as_json: bool, label: str) -> None:
    if as_json:
        emit_json(result.to_json())
        return
    where = f"{result.source}" + (f", sheet '{result.sheet}'" if result.sheet else "")
    verb = "dry run, nothing written: would record" if result.dry_run else "recorded"
    console.print(
        f"{where}: {result.rows} rows; {verb} {len(result.recorded)} {label} "
        f"({result.events} events), {len(result.unchanged)} already in the ledger, "
        f"{sum(result.skipped.values())} skipped, {len(result.rounded)} amounts rounded, "
        f"{result.refused_rows} rows refused",
        markup=False,
    )
    for reason, count in result.skipped.items():
        console.print(f"  skipped {count} rows: {reason}", markup=False)
    if result.parties_created:
        created = ", ".join(f"{p['id']} ({p['name']}, from '{p['from']}')" for p in result.parties_created)
        console.print(f"  parties {'to create' if result.dry_run else 'created'}: {created}", markup=False)
    for r in result.rounded[:10]:
        console.print(f"  row {r['row']}: {r['field']} {r['from']} rounded to {r['to']}", markup=False)
    if len(result.rounded) > 10:
        console.print(f"  … and {len(result.rounded) - 10} more rounded (--json lists them all)", markup=False)
    if result.rejected:
        kept = f"rejected rows written to {result.reject_file}" if result.reject_file else "would be refused"
        errors.print(f"{len(result.rejected)} problem(s); {kept}:", markup=False)
        for problem in result.rejected:
            errors.print(f"  {problem}", markup=False, highlight=False)


def _run_import(
    ctx: typer.Context, importer: Callable[..., imports.ImportResult], label: str, *shared: Any, **more: Any
) -> None:
    """Every spreadsheet import: the same store, actor and options in, the same summary out.
    ``shared`` is (as_json, file, mapping, skip_invalid, rejects, dry_run), in that order."""
    as_json, file, mapping, skip_invalid, rejects, dry_run = shared
    st = state(ctx)
    result = importer(
        st.store(),
        st.acting,
        file,
        mapping=mapping,
        skip_invalid=skip_invalid,
        rejects=rejects,
        dry_run=dry_run,
        **more,
    )
    _print_import(result, as_json, label)


@imports_app.command("pledges")
def import_pledges(
    ctx: typer.Context,
    file: Path = FILE,
    mapping: Path | None = MAPPING,
    skip_invalid: bool = SKIP,
    rejects: Path | None = REJECTS,
    commit: bool = typer.Option(False, "--commit", help="also record every imported pledge as committed"),
    dry_run: bool = DRY_RUN,
    create_parties: bool = CREATE_PARTIES,
    as_json: bool = JSON,
) -> None:
    """Import pledges (columns: id, funder, amount, currency, pledged_on, mechanism, categories, origins,
    valid_from, valid_until, note, status)."""
    shared = (as_json, file, mapping, skip_invalid, rejects, dry_run)
    _run_import(ctx, imports.import_pledges, "pledges", *shared, commit=commit, create_parties=create_parties)


@imports_app.command("requirements")
def import_requirements(
    ctx: typer.Context,
    file: Path = FILE,
    mapping: Path | None = MAPPING,
    skip_invalid: bool = SKIP,
    rejects: Path | None = REJECTS,
    dry_run: bool = DRY_RUN,
    create_parties: bool = CREATE_PARTIES,
    as_json: bool = JSON,
) -> None:
    """Import requirement lines as drafts (columns: id, recipient, list_month, priority, rank, item, category,
    quantity, unit, unit_price, currency, origin, min_lot, whole_only, needed_by, note)."""
    shared = (as_json, file, mapping, skip_invalid, rejects, dry_run)
    _run_import(ctx, imports.import_requirements, "requirements", *shared, create_parties=create_parties)


@imports_app.command("parties")
def import_parties(
    ctx: typer.Context,
    file: Path = FILE,
    mapping: Path | None = MAPPING,
    skip_invalid: bool = SKIP,
    rejects: Path | None = REJECTS,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
) -> None:
    """Import parties (columns: id, name, kind, country, aliases separated by ';'); imports of pledges and
    requirements then match the names and aliases."""
    shared = (as_json, file, mapping, skip_invalid, rejects, dry_run)
    _run_import(ctx, party_import.import_parties, "parties", *shared)


@imports_app.command("fx")
def import_fx(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="ECB eurofxref-hist.csv or eurofxref.csv"),
    source: str = typer.Option("ECB", "--source", help="who published the rates"),
    as_json: bool = JSON,
) -> None:
    """Import ECB euro reference rates (units per EUR, one line per business day)."""
    st = state(ctx)
    result = imports.import_fx(st.store(), st.acting, file, source=source)
    if as_json:
        emit_json(result.to_json())
        return
    console.print(
        f"{result.source}: {result.days} business days ({result.first} to {result.last}); recorded "
        f"{len(result.recorded)}, {result.unchanged} already in the ledger"
    )
    if result.ignored_columns:
        console.print(f"not imported (no longer ISO 4217 currencies): {', '.join(result.ignored_columns)}")


@imports_app.command("kiel")
def import_kiel(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="the tracker's data_explorer.csv"),
    release: str | None = typer.Option(
        None, "--release", help="release number (default: release_info.csv beside FILE)"
    ),
    as_json: bool = JSON,
) -> None:
    """Import the Kiel Institute's Ukraine Support Tracker monthly country aggregates (billions of EUR)."""
    st = state(ctx)
    result = kiel.import_kiel(st.store(), st.acting, file, release=release)
    if as_json:
        emit_json(result.to_json())
        return
    console.print(
        f"{result.source}: Kiel release {result.release}, {result.donors} donors, {result.months} donor-months; "
        f"recorded {len(result.recorded)} donors, {len(result.unchanged)} already in the ledger"
    )


@report.command("kiel")
def report_kiel(
    ctx: typer.Context,
    currency: str = typer.Option("EUR", "--currency", help="reporting currency"),
    release: str | None = typer.Option(None, "--release", help="Kiel release (default: latest imported)"),
    since: str | None = typer.Option(None, "--since", help="first month YYYY-MM (default: the first pledge's)"),
    until: str | None = typer.Option(None, "--until", help="last month YYYY-MM (default: the tracker's last)"),
    by_month: bool = typer.Option(False, "--by-month", help="also show each donor's months"),
    out: Path | None = OUT,
    as_json: bool = JSON,
) -> None:
    """supplyline's pledges next to the Kiel tracker's military allocations, per donor and month."""
    if out is not None:
        report_files.report_format(out)
    with state(ctx).reader().read() as conn:
        data = kiel.comparison(conn, currency=currency, release=release, since=since, until=until)
    if as_json:
        emit_json(data)
    else:
        print_kiel(data)
        if by_month:
            table(
                "by month",
                [{"donor": d["donor"], **m} for d in data["donors"] for m in d["months"]],
                [("donor", "donor"), ("month", "month"), ("pledged", "pledged"), ("kiel_military", "military (Kiel)")],
                numeric=("pledged", "kiel_military"),
            )
    write_out(out, report_sheets.kiel_sheets(data))


@export_app.command("ocds")
def export_ocds(
    ctx: typer.Context,
    out: Path = typer.Argument(..., metavar="OUT.json"),
    ocid_prefix: str | None = typer.Option(
        None, "--ocid-prefix", help="default: $SUPPLYLINE_OCID_PREFIX or ocds-splyln"
    ),
    uri: str | None = typer.Option(None, "--uri", help="where the package will be published"),
    publisher: str | None = typer.Option(None, "--publisher", help="default: the acting party's name"),
    license_url: str | None = typer.Option(None, "--license", help="URL of the data licence"),
    policy_url: str | None = typer.Option(None, "--publication-policy", help="URL of the publication policy"),
    as_of: str | None = typer.Option(None, "--as-of", help="date milestones are judged on (default: today, UTC)"),
    as_json: bool = JSON,
) -> None:
    """Write the ledger as an OCDS 1.1.5 release package (one contracting process per package)."""
    st = state(ctx)
    request = opendata.OcdsRequest(ocid_prefix, uri, publisher, license_url, policy_url, as_of)
    exported = opendata.export_ocds(st.store(), st.actor, request, settings_module.load())
    out.write_text(exported.text, encoding="utf-8")
    package = exported.package
    if as_json:
        emit_json({"file": str(out), "releases": len(package["releases"]), "ocids": exported.ocids})
        return
    console.print(
        f"written: {out} (OCDS {package['version']} release package, {len(package['releases'])} contracting "
        f"processes, as of {exported.publication.as_of.isoformat()})"
    )
