"""Every id and party name on a page is a link to its record's page (issue 21 item 1): one
Jinja filter, ``record_link``, used by every template.

``{{ id|record_link }}`` guesses the kind from the id's prefix; ``{{ id|record_link("party",
name) }}`` names the kind (a party's id has no prefix of its own, and Poland's ``PL-GOV``
shares its prefix with pledges) and shows ``name`` as the link's text. A "kind:id" stream
reference links to its record too. The pages are the ledger browser's (one map)."""

from __future__ import annotations

from urllib.parse import quote

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..services.reads.ledger_browser import RECORD_PAGES

#: id prefixes that say a record's kind (ids are the recorders' own, so this is a guess that
#: templates make certain by naming the kind where it matters)
PREFIXES = (
    ("PKG-", "package"),
    ("REQ-", "requirement"),
    ("CT-", "contract"),
    ("SH-", "shipment"),
    ("PO-", "order"),
    ("FAC-", "facility"),
    ("DOC-", "document"),
    ("FND-", "finding"),
)


def kind_of(record_id: str) -> str:
    """The kind an id names by its prefix; a pledge is 'PL-' with at least two parts after
    it (PL-NL-2025-08), anything else is taken for a party (NL-GOV, PL-GOV)."""
    for prefix, kind in PREFIXES:
        if record_id.startswith(prefix):
            return kind
    if record_id.startswith("PL-") and record_id.count("-") >= 2:
        return "pledge"
    return "party"


def href(record_id: str, kind: str | None = None) -> str | None:
    if ":" in record_id and kind is None:
        kind, _, record_id = record_id.partition(":")
    page = RECORD_PAGES.get(kind or kind_of(record_id))
    return page.format(id=quote(record_id, safe="")) if page else None


def record_link(record_id: object, kind: str | None = None, label: object = None) -> Markup:
    """``record_id`` as a link to its page (plain text when it has none, or is empty)."""
    if record_id is None or record_id == "":
        return Markup("—") if label is None else escape(label)
    text = escape(label if label is not None else record_id)
    target = href(str(record_id), kind)
    if target is None:
        return Markup(text)
    return Markup('<a href="{}">{}</a>').format(target, text)


@pass_context
def readable_link(context: Context, record_id: object, kind: str | None = None, label: object = None) -> Markup:
    """:func:`record_link` for the page's reader: a kind of record its role may never read
    stays plain text, so a page does not offer a link that can only answer 404 (the public
    sees a package's contract ids, not the contracts)."""
    who = context.get("who")
    if who is not None and record_id not in (None, ""):
        rid = str(record_id)
        named = kind or (rid.partition(":")[0] if ":" in rid else kind_of(rid))
        if named in RECORD_PAGES and not who.may(f"{named}.read"):
            return escape(label if label is not None else rid)
    return record_link(record_id, kind, label)


def event_link(seq: object, label: object = None) -> Markup:
    """An event of the log as a link to its own page."""
    return Markup('<a href="/ledger/events/{}">{}</a>').format(seq, label if label is not None else f"#{seq}")
