"""Files in and out: spreadsheet imports of pledges and requirements, ECB rates and Kiel
tracker data as uploads; the OCDS export; the Kiel comparison report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile

from ...services.access.ownership import Ownership
from ...services.access.withholding import reader_of
from ...services.interchange import imports, kiel, opendata
from ...services.reads.report_sheets import kiel_sheets
from ..gate import Answer, Gate, acts, reading, writing
from ..reports import FILES, ReportFormat, Table, report_answer
from ..schemas.interchange import (
    FxImportedRead,
    ImportedRead,
    KielComparisonRead,
    KielImportedRead,
    OcdsReleasePackageRead,
    UploadCreate,
)
from ..uploads import MAX_SMALL_FILE, MB, TOO_LARGE, Workspace, clean_name, reject_file, within_row_limit

router = APIRouter(tags=["files in and out"])

Spreadsheet = Annotated[UploadFile, File(description="a .csv or .xlsx file (told apart by its content, not its name)")]
Mapping = Annotated[
    UploadFile | None,
    File(
        description=f"a column-mapping file (.yaml, .yml or .toml, at most {MAX_SMALL_FILE // MB} MB): your headers, "
        "number and date formats (docs/interchange.md)"
    ),
]
DryRun = Annotated[
    bool,
    Query(
        description="decide every row and answer what would be recorded, skipped, rounded and refused; write nothing"
    ),
]
SkipInvalid = Annotated[
    bool,
    Form(
        description="record the valid rows and answer the invalid ones (rejected, reject_file); "
        "otherwise a file with any invalid row writes nothing and every problem is in the 422 answer"
    ),
]


def _imported(result: imports.ImportResult) -> Answer:
    return Answer("", {**result.to_json(), "reject_file": reject_file(result.reject_file)})


def _import_rows(
    gate: Gate, service, kind: str, owner_field: str, file: UploadFile, mapping: UploadFile | None, options: dict
):
    """One spreadsheet import: the file and mapping into a private directory, each row
    checked to be the caller's own, and the service's answer with the reject file."""
    with Workspace() as ws:
        path = ws.spreadsheet("file", file)
        mapped = ws.mapping("mapping", mapping) if mapping is not None else None

        own = gate.own_rows(kind, owner_field)

        def admit(conn, rows):
            within_row_limit(rows)
            own(conn, rows)

        def run(actor, _version):
            return _imported(
                service(gate.store, actor, path, mapping=mapped, rejects=ws.rejects_path(path), admit=admit, **options)
            )

        return gate.write(None, run, payload=UploadCreate(files=ws.digests, options=options))


@router.post(
    "/imports/pledges",
    response_model=ImportedRead,
    responses=TOO_LARGE,
    summary="Import pledges from a spreadsheet (a funder: its own only)",
    **acts("pledge.import"),
)
def import_pledges(
    file: Spreadsheet,
    mapping: Mapping = None,
    skip_invalid: SkipInvalid = False,
    commit: Annotated[bool, Form(description="also record every new pledge as committed")] = False,
    dry_run: DryRun = False,
    gate: Gate = Depends(writing),
):
    return _import_rows(
        gate,
        imports.import_pledges,
        "pledge",
        "funder",
        file,
        mapping,
        {"skip_invalid": skip_invalid, "commit": commit, "dry_run": dry_run},
    )


@router.post(
    "/imports/requirements",
    response_model=ImportedRead,
    responses=TOO_LARGE,
    summary="Import requirement lines as drafts (a recipient: its own only)",
    **acts("requirement.import"),
)
def import_requirements(
    file: Spreadsheet,
    mapping: Mapping = None,
    skip_invalid: SkipInvalid = False,
    dry_run: DryRun = False,
    gate: Gate = Depends(writing),
):
    options = {"skip_invalid": skip_invalid, "dry_run": dry_run}
    return _import_rows(gate, imports.import_requirements, "requirement", "recipient", file, mapping, options)


@router.post(
    "/imports/fx",
    response_model=FxImportedRead,
    responses=TOO_LARGE,
    summary="Import ECB euro reference rates (eurofxref-hist.csv or eurofxref.csv)",
    **acts("fx.import"),
)
def import_fx(
    file: Annotated[UploadFile, File(description="the ECB's CSV file (not the ZIP archive)")],
    source: Annotated[
        str, Form(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$", description="who published the rates")
    ] = "ECB",
    gate: Gate = Depends(writing),
):
    with Workspace() as ws:
        path = ws.text("file", file)
        return gate.write(
            None,
            lambda actor, _: Answer("", dict(imports.import_fx(gate.store, actor, path, source=source).to_json())),
            payload=UploadCreate(files=ws.digests, options={"source": source}),
        )


@router.post(
    "/imports/kiel",
    response_model=KielImportedRead,
    responses=TOO_LARGE,
    summary="Import a release of the Kiel Institute's Ukraine Support Tracker",
    **acts("kiel.import"),
)
def import_kiel(
    file: Annotated[UploadFile, File(description="the tracker's data_explorer.csv")],
    release_info: Annotated[UploadFile | None, File(description="the release_info.csv beside it")] = None,
    procurement_trends: Annotated[
        UploadFile | None, File(description="the procurement_trends.csv beside it (its nato_purl series)")
    ] = None,
    release: Annotated[
        str | None,
        Form(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$",
            description="the release number (when no release_info.csv is sent)",
        ),
    ] = None,
    gate: Gate = Depends(writing),
):
    with Workspace() as ws:
        # the service reads release_info.csv beside the data file, as in the tracker's download
        name = "data_explorer.csv" if clean_name(file.filename, "") == "release_info.csv" else None
        path = ws.text("file", file, name=name)
        if release_info is not None:
            ws.text("release_info", release_info, name="release_info.csv", folder="file", limit=MAX_SMALL_FILE)
        if procurement_trends is not None:
            ws.text(
                "procurement_trends",
                procurement_trends,
                name="procurement_trends.csv",
                folder="file",
                limit=MAX_SMALL_FILE,
            )
        return gate.write(
            None,
            lambda actor, _: Answer("", dict(kiel.import_kiel(gate.store, actor, path, release=release).to_json())),
            payload=UploadCreate(files=ws.digests, options={"release": release}),
        )


@router.get(
    "/exports/ocds",
    response_model=OcdsReleasePackageRead,
    summary="The ledger as an OCDS 1.1.5 release package (withheld fields left out, each named)",
    **acts("report.ocds"),
)
def export_ocds(
    request: Request,
    gate: Gate = Depends(reading),
    ocid_prefix: Annotated[
        str | None,
        Query(
            pattern=r"^[a-z0-9]+-[a-z0-9]{1,20}$", description="the publisher's registered prefix (default: configured)"
        ),
    ] = None,
    uri: Annotated[
        str | None, Query(min_length=1, max_length=500, description="where the package will be published")
    ] = None,
    publisher: Annotated[
        str | None, Query(min_length=1, max_length=200, description="default: the caller's name")
    ] = None,
    license: Annotated[str | None, Query(min_length=1, max_length=500, description="URL of the data licence")] = None,
    publication_policy: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
    as_of: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            description="the day milestones are judged on (default: today, UTC)",
        ),
    ] = None,
):
    options = opendata.OcdsRequest(ocid_prefix, uri, publisher, license, publication_policy, as_of)
    exported = gate.overall(
        lambda _conn, principal: opendata.export_ocds(
            gate.store, principal.party or "", options, request.app.state.settings
        )
    )
    # the exact text: amounts are written as the decimals they are, never through floats
    return Response(exported.text, media_type="application/json")


@router.get(
    "/reports/kiel",
    response_model=KielComparisonRead,
    responses=FILES,
    summary="supplyline's pledges beside the Kiel tracker's military allocations, per donor and month "
    "(a public aggregate)",
    **acts("report.kiel"),
)
def report_kiel(
    request: Request,
    gate: Gate = Depends(reading),
    currency: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "EUR",
    release: Annotated[
        str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$", description="default: the latest imported")
    ] = None,
    since: Annotated[
        str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", description="default: the first pledge's month")
    ] = None,
    until: Annotated[
        str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", description="default: the tracker's last month")
    ] = None,
    format: ReportFormat = None,
    table: Table = None,
):
    data = gate.overall(
        lambda conn, principal: kiel.comparison(
            conn,
            currency=currency,
            release=release,
            since=since,
            until=until,
            reader=reader_of(principal, Ownership(conn)),
        )
    )
    return report_answer(request, data, kiel_sheets, f"kiel-{data['release']}", format, table)
