"""The demo's evidence (issue 18): small generated PDFs attached to records, and two audit
findings, one closed and made public, one still open.

- CT-NL-1 (PKG-NL-1's contract): the letter of offer and acceptance (the seller's, in
  English) and the acceptance certificate of its first shipment (the recipient's, in
  Ukrainian);
- lot PO-DD-1-L001 of PO-DD-1 (the Drone Deal's interceptor order): its inspection report,
  the lot with 40 rejected units;
- a finding on CT-NL-1 (the acceptance certificate came after the receipt it certifies),
  answered by the seller with the certificate and closed, public; and one open on lot
  PO-DD-1-L001 (no disposition recorded for its 40 rejected units).

The PDFs are built here, byte for byte the same every time, so ``audit document`` can be
tried on them (``ORIGINALS``; `supplyline demo` writes them beside a SQLite demo ledger).
"""

from __future__ import annotations

from ...store.eventstore import Store
from .. import bus
from ..context import Actor
from ..evidence import documents, findings


def pdf(title: str, lines: tuple[str, ...]) -> bytes:
    """A one-page PDF 1.4 showing ``title`` and ``lines`` (ASCII) in Helvetica."""
    text = [f"BT /F1 16 Tf 56 780 Td ({title}) Tj ET"]
    text += [f"BT /F1 11 Tf 56 {750 - 18 * i} Td ({line}) Tj ET" for i, line in enumerate(lines)]
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


ORIGINALS: dict[str, bytes] = {
    "CT-NL-1-letter-of-offer-and-acceptance.pdf": pdf(
        "Letter of Offer and Acceptance - CT-NL-1 (illustrative)",
        ("Case: PURL package PKG-NL-1", "Seller: US-GOV   Purchaser: UA-MOD", "Signed 2025-09-01"),
    ),
    "CT-NL-1-acceptance-certificate-SH-NL-1.pdf": pdf(
        "Acceptance certificate - shipment SH-NL-1 (illustrative)",
        ("Contract CT-NL-1, lines 2 and 3", "Received 2025-10-27, accepted in full", "Signed by UA-MOD"),
    ),
    "PO-DD-1-L001-inspection-report.pdf": pdf(
        "Inspection report - lot PO-DD-1-L001 (illustrative)",
        ("1,500 interceptor drones presented", "1,460 accepted, 40 rejected", "Seeker calibration out of tolerance"),
    ),
}


def load_evidence(store: Store, auditor: Actor) -> None:
    us, ua, jv = Actor("US-GOV", via="demo"), Actor("UA-MOD", via="demo"), Actor("UA-US-JV", via="demo")
    names = list(ORIGINALS)
    attachments = [
        (us, "contract:CT-NL-1", "loa", "en", "Letter of offer and acceptance, CT-NL-1", names[0], "2025-09-01"),
        (ua, "contract:CT-NL-1", "acceptance", "uk", "Акт приймання, SH-NL-1", names[1], "2025-11-14"),
        (jv, "lot:PO-DD-1-L001", "inspection", "en", "Inspection report, lot PO-DD-1-L001", names[2], "2025-11-04"),
    ]
    for actor, record, kind, lang, title, name, on in attachments:
        attach = documents.AttachDocument(
            record=record, doc_type=kind, language=lang, title=title, content=ORIGINALS[name], on=on
        )
        bus.handle(store, actor, attach)
    late = findings.OpenFinding(
        record="contract:CT-NL-1",
        severity="low",
        criteria="An acceptance certificate is signed within 14 days of the receipt it certifies",
        condition="SH-NL-1 was received on 2025-10-27; no acceptance certificate was on file on 2025-11-12",
        due="2025-12-12",
        on="2025-11-12",
        id="FND-NL-1",
    )
    bus.handle(store, auditor, late)
    answer = findings.RespondToFinding(
        finding_id="FND-NL-1",
        response="The recipient signed the certificate on 2025-11-14; it is attached (DOC-0002)",
        evidence=("DOC-0002",),
        on="2025-11-20",
    )
    bus.handle(store, us, answer)
    closed = findings.CloseFinding(
        finding_id="FND-NL-1", resolution="Certificate on file; late by 4 days", public=True, on="2025-12-01"
    )
    bus.handle(store, auditor, closed)
    rejected = findings.OpenFinding(
        record="lot:PO-DD-1-L001",
        severity="medium",
        criteria="Every rejected unit is reworked, scrapped or returned, and recorded",
        condition="40 units of lot PO-DD-1-L001 were rejected on 2025-11-04; their disposition is not recorded",
        due="2026-02-15",
        on="2026-01-15",
        evidence=("DOC-0003",),
        id="FND-DD-1",
    )
    bus.handle(store, auditor, rejected)
