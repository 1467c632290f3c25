"""Plotly figures for the dashboard, rendered to HTML fragments on the server.

Each fragment carries, inside <noscript>, a table of the very figures its chart plots, read
back from the figure's traces, and a line saying why the chart is not drawn; charts.html
hides the empty plot box when scripts are off. Parties are plotted by their short codes,
their names on hover; legends sit above the plot, clear of the data; every axis names its
unit and, for money, its currency; each unit gets its own scale (small multiples)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from html import escape
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import i18n
from .i18n import N_, gettext

CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
STAGE_COLOURS = {
    "pledged": "#1f5fa8",
    "allocated": "#6a8fc7",
    "contracted": "#d48a1f",
    "delivered": "#1d7a3a",
    "need": "#b3261e",
    "funded": "#6a8fc7",
}
STAGE_NAMES = {
    "pledged": N_("Pledged"),
    "allocated": N_("Allocated"),
    "contracted": N_("Contracted"),
    "delivered": N_("Delivered"),
    "need": N_("Need"),
    "funded": N_("Funded"),
}
TO_DATE = {
    "pledged": N_("Pledged to date"),
    "allocated": N_("Allocated to date"),
    "contracted": N_("Contracted to date"),
    "delivered": N_("Delivered to date"),
    "need": N_("Need to date"),
}
WHY_A_TABLE = N_("The chart is drawn by JavaScript, which is off in this browser: its figures are in this table.")

Words = Callable[..., str]


def _words(lang: str) -> Words:
    return lambda message, **values: gettext(lang, message, **values)


def _layout(fig: go.Figure, height: int) -> None:
    fig.update_layout(
        height=height,
        # the legend above the plot, left-aligned, wrapping on a phone: never over the bars or their labels
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        font={"family": "system-ui, sans-serif", "size": 12, "color": "#1b1f24"},
        hoverlabel={"namelength": -1},
    )
    fig.update_xaxes(gridcolor="#eef1f4", automargin=True)
    fig.update_yaxes(gridcolor="#eef1f4", automargin=True, rangemode="tozero")


def _html(fig: go.Figure, chart_id: str, table: str, lang: str, height: int = 380, layout: dict | None = None) -> str:
    _layout(fig, height)
    fig.update_layout(layout or {})
    plot = fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id=chart_id)
    why = escape(gettext(lang, WHY_A_TABLE))
    return f'<div class="plot">{plot}</div><noscript><p class="note">{why}</p>{table}</noscript>'


def _table(caption: str, header: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    """A data table: one header cell per column, one row header per row, figures right-aligned."""
    head = "".join(f'<th scope="col"{" class=num" if i else ""}>{escape(h)}</th>' for i, h in enumerate(header))
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(f'<td class="num">{escape(cell)}</td>' for cell in cells)
        + "</tr>"
        for label, cells in rows
    )
    return (
        f'<div class="scroll" tabindex="0"><table class="chart-data"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _traces_table(
    fig: go.Figure, caption: str, row_title: str, number: Callable[[Any], str], labels: Mapping[str, str]
) -> str:
    """The figure's own traces as a table: its x values as rows, one column per trace."""
    traces = [trace for trace in fig.data if trace.x is not None]
    xs: list[str] = []
    for trace in traces:
        xs.extend(str(x) for x in trace.x if str(x) not in xs)
    values = [{str(x): y for x, y in zip(trace.x, trace.y, strict=True)} for trace in traces]
    rows = [(labels.get(x, x), [number(column.get(x)) for column in values]) for x in xs]
    return _table(caption, [row_title, *(_trace_label(trace) for trace in traces)], rows)


def _number(lang: str, places: int) -> Callable[[Any], str]:
    """A plotted value as the table shows it, in the reader's locale (— where a trace has none)."""
    return lambda value: "—" if value is None else i18n.format_number(lang, Decimal(repr(value)), places)


def _trace_label(trace: Any) -> str:
    # a small multiple's traces are named the same in each chart: its title (meta) tells them apart
    return f"{trace.meta}: {trace.name}" if trace.meta else trace.name


def _millions(values: list[str]) -> list[float]:
    # plotting only: the tables next to every chart carry the exact Decimal amounts
    return [float(Decimal(v) / 1_000_000) for v in values]


def _money_axis(t: Words, currency: str) -> str:
    return t(N_("%(currency)s millions"), currency=currency)


def money_over_time(months: list[dict], currency: str, *, with_need: bool, lang: str = "en") -> str:
    t = _words(lang)
    fig = go.Figure()
    x = [m["month"] for m in months]
    for stage in ("pledged", "allocated", "contracted", "delivered", *(("need",) if with_need else ())):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_millions([m[f"{stage}_to_date"] for m in months]),
                name=t(TO_DATE[stage]),
                mode="lines+markers",
                line={"color": STAGE_COLOURS[stage], "dash": "dot" if stage == "need" else "solid"},
                hovertemplate=f"%{{y:,.2f}} {currency} M",
            )
        )
    fig.update_yaxes(title_text=_money_axis(t, currency))
    fig.update_xaxes(type="category", title_text=t(N_("Month")))
    caption = t(N_("Money to date by month, %(currency)s millions"), currency=currency)
    return _html(fig, "chart-by-month", _traces_table(fig, caption, t(N_("Month")), _number(lang, 2), {}), lang)


def funnel_by_funder(funders: Sequence[Mapping[str, Any]], currency: str, lang: str = "en") -> str:
    t = _words(lang)
    fig = go.Figure()
    codes = [f["funder"] for f in funders]
    names = {f["funder"]: f["name"] for f in funders}
    for stage in ("pledged", "allocated", "contracted", "delivered"):
        fig.add_trace(
            go.Bar(
                x=codes,
                y=_millions([f[stage] for f in funders]),
                name=t(STAGE_NAMES[stage]),
                marker_color=STAGE_COLOURS[stage],
                customdata=[names[c] for c in codes],
                hovertemplate=f"%{{customdata}} (%{{x}})<br>%{{y:,.2f}} {currency} M",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=_money_axis(t, currency))
    fig.update_xaxes(title_text=t(N_("Funder (party code)")))
    labels = {code: f"{code} · {name}" for code, name in names.items()}
    caption = t(N_("Funnel per funder, %(currency)s millions"), currency=currency)
    return _html(fig, "chart-funnel", _traces_table(fig, caption, t(N_("Funder")), _number(lang, 2), labels), lang)


def coverage_by_category(categories: list[dict], lang: str = "en") -> str:
    t = _words(lang)
    currency = categories[0]["currency"]
    names = [c["category"].replace("_", " ") for c in categories]
    fig = go.Figure(
        [
            go.Bar(
                x=names,
                y=_millions([c[stage] for c in categories]),
                name=t(STAGE_NAMES[stage]),
                marker_color=STAGE_COLOURS[stage],
                hovertemplate=f"%{{y:,.2f}} {currency} M",
            )
            for stage in ("need", "funded", "delivered")
        ]
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=_money_axis(t, currency))
    fig.update_xaxes(title_text=t(N_("Category")))
    caption = t(N_("Coverage by category, %(currency)s millions"), currency=currency)
    return _html(fig, "chart-coverage", _traces_table(fig, caption, t(N_("Category")), _number(lang, 2), {}), lang)


def capacity_use(rows: list[dict], lang: str = "en") -> str:
    """One small chart per facility and item, each on its own scale: 4 naval drones a month
    stay as visible as 3,000 interceptors."""
    t = _words(lang)
    keys = sorted({(r["facility_id"], r["item"]) for r in rows})
    titles = [t(N_("%(item)s at %(facility)s"), item=item, facility=facility) for facility, item in keys]
    fig = make_subplots(rows=len(keys), cols=1, shared_xaxes=True, vertical_spacing=0.12, subplot_titles=titles)
    for n, (key, title) in enumerate(zip(keys, titles, strict=True), start=1):
        sel = [r for r in rows if (r["facility_id"], r["item"]) == key]
        months = [r["month"] for r in sel]
        # the capacity a wide pale bar, what was produced a narrow one in front: a single month shows too;
        # one legend entry each (the first chart's), toggling both charts
        for what, name, values, style in (
            ("capacity", N_("Capacity"), [r["capacity"] for r in sel], {"marker_color": "#c9d3de"}),
            ("produced", N_("Produced"), [r["produced"] for r in sel], {"marker_color": "#1f5fa8", "width": 0.45}),
        ):
            fig.add_trace(
                go.Bar(
                    x=months,
                    y=values,
                    name=t(name),
                    meta=title,
                    legendgroup=what,
                    showlegend=n == 1,
                    hovertemplate=f"{escape(title)}<br>%{{x}}: %{{y:,}}",
                    **style,
                ),
                row=n,
                col=1,
            )
        fig.update_yaxes(title_text=t(N_("units per month")), row=n, col=1)
    fig.update_xaxes(type="category", categoryorder="category ascending")
    fig.update_xaxes(title_text=t(N_("Month")), row=len(keys), col=1)
    fig.update_layout(barmode="overlay")
    caption = t(N_("Capacity and production per month, units"))
    table = _traces_table(fig, caption, t(N_("Month")), _number(lang, 0), {})
    # the legend at the figure's top edge, the first chart's title below it
    top = {"legend": {"yref": "container", "y": 1, "yanchor": "top"}, "margin": {"t": 70}}
    return _html(fig, "chart-capacity", table, lang, height=160 + 220 * len(keys), layout=top)


def lots_timeline(orders: list[dict], lang: str = "en") -> str:
    t = _words(lang)
    count = _number(lang, 0)
    lots = [(order["id"], lot) for order in orders for lot in order["lots"]]
    due = [order for order in orders if order.get("due") is not None]  # a withheld date is not drawn
    fig = go.Figure(
        [
            go.Scatter(
                x=[lot["produced_on"] for _, lot in lots],
                y=[order_id for order_id, _ in lots],
                mode="markers",
                name=t(N_("Lot produced (size: quantity)")),
                text=[_lot_text(t, lot, count) for _, lot in lots],
                hovertemplate="%{text}<extra></extra>",
                marker={"size": [8 + min(lot["quantity"], 3000) / 150 for _, lot in lots], "color": "#1f5fa8"},
            ),
            go.Scatter(
                x=[order["due"] for order in due],
                y=[order["id"] for order in due],
                mode="markers",
                name=t(N_("Due date")),
                marker={"symbol": "line-ns-open", "size": 18, "color": "#b3261e", "line": {"width": 2}},
            ),
        ]
    )
    fig.update_xaxes(type="date", title_text=t(N_("Date")))
    fig.update_yaxes(type="category", title_text=t(N_("Production order")))
    rows = [
        (
            lot["lot_id"],
            [order_id, i18n.format_date(lang, lot["produced_on"]), count(lot["quantity"]), _accepted(lot, count)],
        )
        for order_id, lot in lots
    ]
    rows += [(t(N_("Due date")), [order["id"], i18n.format_date(lang, order["due"]), "", ""]) for order in due]
    header = [t(N_("Lot")), t(N_("Production order")), t(N_("Date")), t(N_("Quantity")), t(N_("Accepted"))]
    table = _table(t(N_("Production lots and due dates")), header, rows)
    return _html(fig, "chart-lots", table, lang, height=200 + 60 * max(1, len(orders)))


def _accepted(lot: Mapping[str, Any], count: Callable[[Any], str]) -> str:
    return "?" if lot["accepted"] is None else count(lot["accepted"])


def _lot_text(t: Words, lot: Mapping[str, Any], count: Callable[[Any], str]) -> str:
    return t(
        N_("%(lot)s: %(produced)s produced, %(accepted)s accepted"),
        lot=lot["lot_id"],
        produced=count(lot["quantity"]),
        accepted=_accepted(lot, count),
    )
