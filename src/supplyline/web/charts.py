"""Plotly figures for the dashboard, rendered to HTML fragments on the server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
STAGE_COLOURS = {
    "pledged": "#1f5fa8",
    "allocated": "#6a8fc7",
    "contracted": "#d48a1f",
    "delivered": "#1d7a3a",
    "need": "#b3261e",
}


def _html(fig: go.Figure, height: int = 360) -> str:
    fig.update_layout(
        height=height,
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": -0.18},
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        font={"family": "system-ui, sans-serif", "size": 12},
    )
    fig.update_xaxes(gridcolor="#eef1f4")
    fig.update_yaxes(gridcolor="#eef1f4")
    return fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)


def _millions(values: list[str]) -> list[float]:
    # plotting only: the tables next to every chart carry the exact Decimal amounts
    return [float(Decimal(v) / 1_000_000) for v in values]


def money_over_time(months: list[dict], currency: str, *, with_need: bool) -> str:
    fig = go.Figure()
    x = [m["month"] for m in months]
    for stage in ("pledged", "allocated", "contracted", "delivered", *(("need",) if with_need else ())):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_millions([m[f"{stage}_to_date"] for m in months]),
                name=f"{stage} to date",
                mode="lines+markers",
                line={"color": STAGE_COLOURS[stage], "dash": "dot" if stage == "need" else "solid"},
            )
        )
    fig.update_yaxes(title_text=f"{currency} millions")
    fig.update_xaxes(type="category")
    return _html(fig)


def funnel_by_funder(funders: Sequence[Mapping[str, Any]], currency: str) -> str:
    fig = go.Figure()
    names = [f["name"] for f in funders]
    for stage in ("pledged", "allocated", "contracted", "delivered"):
        fig.add_trace(
            go.Bar(x=names, y=_millions([f[stage] for f in funders]), name=stage, marker_color=STAGE_COLOURS[stage])
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=f"{currency} millions")
    return _html(fig)


def coverage_by_category(categories: list[dict]) -> str:
    names = [c["category"].replace("_", " ") for c in categories]
    fig = go.Figure(
        [
            go.Bar(
                x=names, y=_millions([c["need"] for c in categories]), name="need", marker_color=STAGE_COLOURS["need"]
            ),
            go.Bar(
                x=names,
                y=_millions([c["funded"] for c in categories]),
                name="funded",
                marker_color=STAGE_COLOURS["allocated"],
            ),
            go.Bar(
                x=names,
                y=_millions([c["delivered"] for c in categories]),
                name="delivered",
                marker_color=STAGE_COLOURS["delivered"],
            ),
        ]
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="millions")
    return _html(fig)


def capacity_use(rows: list[dict]) -> str:
    fig = go.Figure()
    for key in sorted({(r["facility_id"], r["item"]) for r in rows}):
        sel = [r for r in rows if (r["facility_id"], r["item"]) == key]
        label = f"{key[1]} @ {key[0]}"
        fig.add_trace(go.Bar(x=[r["month"] for r in sel], y=[r["produced"] for r in sel], name=f"produced: {label}"))
        fig.add_trace(
            go.Scatter(
                x=[r["month"] for r in sel],
                y=[r["capacity"] for r in sel],
                name=f"capacity: {label}",
                mode="lines",
                line={"shape": "hv"},
            )
        )
    fig.update_yaxes(title_text="units per month")
    fig.update_xaxes(type="category", categoryorder="category ascending")
    return _html(fig)


def lots_timeline(orders: list[dict]) -> str:
    fig = go.Figure()
    for order in orders:
        fig.add_trace(
            go.Scatter(
                x=[lot["produced_on"] for lot in order["lots"]],
                y=[order["id"]] * len(order["lots"]),
                mode="markers",
                name=f"{order['id']} lots",
                text=[
                    f"{lot['lot_id']}: {lot['quantity']} produced, "
                    f"{lot['accepted'] if lot['accepted'] is not None else '?'} accepted"
                    for lot in order["lots"]
                ],
                marker={"size": [8 + min(lot["quantity"], 3000) / 150 for lot in order["lots"]]},
            )
        )
        if order.get("due") is None:  # withheld from this viewer
            continue
        fig.add_trace(
            go.Scatter(
                x=[order["due"]],
                y=[order["id"]],
                mode="markers",
                name=f"{order['id']} due",
                marker={"symbol": "line-ns-open", "size": 18, "color": "#b3261e"},
            )
        )
    fig.update_layout(showlegend=False)
    return _html(fig, height=120 + 60 * max(1, len(orders)))
