"""The web dashboard: server-rendered pages (Jinja2) over the same services as the CLI and API.

Charts are Plotly figures rendered on the server with the plotly.js bundled in the Python
package and served from this application, so a page never loads anything from elsewhere;
every chart has a table beside it, so pages stay readable with JavaScript off.
"""

from . import (
    act_page,  # noqa: F401 - imported to register the page of the forms open to a party on the router
    allocate_form,  # noqa: F401 - imported to register the allocation's preview and recording on the router
    chain_pages,  # noqa: F401 - imported to register the contract, shipment, order and facility pages
    enduse_page,  # noqa: F401 - imported to register the end-use page on the router
    evidence_page,  # noqa: F401 - imported to register the findings page and downloads on the router
    forms,  # noqa: F401 - imported to register the dashboard's forms on the router
    governance_pages,  # noqa: F401 - imported to register the list version and subscriptions pages
    late_page,  # noqa: F401 - imported to register the lateness page on the router
    money_page,  # noqa: F401 - imported to register the money page on the router
    plotly_asset,  # noqa: F401 - imported to register plotly.js, compressed and versioned, on the router
    public_pages,  # noqa: F401 - imported to register the methodology page and the open data on the router
    record_forms,  # noqa: F401 - imported to register the pledge and receipt forms on the router
    record_pages,  # noqa: F401 - imported to register the party, pledge, requirement and event pages
    todo_page,  # noqa: F401 - imported to register the needs-action page on the router
)
from .pages import router

__all__ = ["router"]
