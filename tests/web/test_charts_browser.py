"""Readable charts (issue 21 item 4), read back from the figures plotly.js drew in Debian's
Chromium: party codes on the axis with the names on hover, legends above the plot and clear
of it, axis titles with their unit and currency, one scale per unit, the orders timeline with
its legend; with JavaScript off, a table of the very figures each chart plots, and a line
saying why the chart is missing."""

from __future__ import annotations

from .conftest import Visit

#: the figure a chart's element holds once drawn: its traces, axis titles and laid-out geometry
FIGURE = """id => {
  const gd = document.getElementById(id);
  const size = gd._fullLayout._size;
  const legend = gd.querySelector('.legend').getBoundingClientRect();
  const plot = gd.querySelector('.cartesianlayer .bg, .draglayer .nsewdrag').getBoundingClientRect();
  const axes = Object.keys(gd._fullLayout).filter(k => /^[xy]axis\\d*$/.test(k)).sort();
  return {
    data: gd.data.map(t => ({name: t.name, meta: t.meta || null, x: t.x, y: t.y, customdata: t.customdata || null,
                             yaxis: t.yaxis || 'y', showlegend: t.showlegend !== false})),
    titles: Object.fromEntries(axes.map(k => [k, gd._fullLayout[k].title.text])),
    ranges: Object.fromEntries(axes.map(k => [k, gd._fullLayout[k].range])),
    plotHeight: size.h, legendBottom: legend.bottom, plotTop: plot.top,
  };
}"""


def _figure(visit: Visit, chart: str) -> dict:
    return visit.page.evaluate(FIGURE, chart)


def _rows(visit: Visit, chart: str) -> list[tuple[str, list[str]]]:
    """The no-JavaScript table beside a chart: (row header, its cells) per row."""
    return [
        (row.query_selector("th").inner_text(), [cell.inner_text() for cell in row.query_selector_all("td")])
        for row in visit.page.query_selector_all(f".chart:has(#{chart}) noscript table tbody tr")
    ]


def test_charts_read_back_from_the_browser_with_and_without_javascript(browser, live):
    """The auditor's charts as drawn at both widths, and the same pages' tables without JavaScript
    (one test: the pages are loaded once, whichever worker runs it)."""
    base, secrets = live
    drawn: dict[tuple[int, str], dict] = {}
    for width in (1366, 390):
        visit = Visit(browser, base, width=width)
        visit.sign_in(secrets["auditor"])
        for path, charts in (
            ("/", ("chart-funnel", "chart-by-month")),
            ("/production", ("chart-capacity", "chart-lots")),
        ):
            visit.go(path)
            for chart in charts:
                drawn[width, chart] = _figure(visit, chart)
        visit.go("/requirements")
        drawn[width, "chart-coverage"] = _figure(visit, "chart-coverage")
        visit.close()
    off = Visit(browser, base, javascript=False)
    off.sign_in(secrets["auditor"])
    tables: dict[str, list[tuple[str, list[str]]]] = {}
    notes: dict[str, str] = {}
    for path, charts in (("/", ("chart-funnel", "chart-by-month")), ("/production", ("chart-capacity", "chart-lots"))):
        off.go(path, shot="nojs-charts" + path.replace("/", "-"))
        for chart in charts:
            tables[chart] = _rows(off, chart)
            notes[chart] = off.text(f".chart:has(#{chart}) noscript p")
            assert off.page.is_hidden(f"#{chart}"), chart  # no empty box where the chart would be
    assert off.foreign_hosts() == set()
    off.close()
    _funnel_plots_party_codes_with_names_on_hover_under_a_legend_clear_of_the_bars(drawn, tables, notes)
    _money_charts_name_their_currency_and_the_table_repeats_each_point(drawn, tables, notes)
    _capacity_gives_each_item_its_own_scale_so_four_naval_drones_show(drawn, tables, notes)
    _orders_timeline_has_a_legend_and_axis_titles(drawn, tables, notes)


def _funnel_plots_party_codes_with_names_on_hover_under_a_legend_clear_of_the_bars(drawn, tables, notes):
    rows = dict(tables["chart-funnel"])
    funnel = drawn[1366, "chart-funnel"]
    assert [t["name"] for t in funnel["data"]] == ["Pledged", "Allocated", "Contracted", "Delivered"]
    pledged = funnel["data"][0]
    assert pledged["x"] == ["DE-GOV", "NL-GOV", "CA-GOV", "NO-GOV", "SE-GOV", "PL-GOV", "DK-GOV", "US-GOV"]
    assert pledged["customdata"][-1] == "United States Government (Department of Defense)"
    assert funnel["titles"] == {"xaxis": "Funder (party code)", "yaxis": "USD millions"}
    for width in (1366, 390):
        drawn_at = drawn[width, "chart-funnel"]
        assert drawn_at["legendBottom"] <= drawn_at["plotTop"] + 1, width  # the legend sits above the plot
        assert drawn_at["plotHeight"] >= 200, width  # a phone still gets a chart, not a 60 px strip
    # without JavaScript: the same figures, row for row, and why there is no chart
    assert notes["chart-funnel"].startswith("The chart is drawn by JavaScript, which is off in this browser")
    assert rows["NL-GOV · Netherlands"] == ["578.50", "558.50", "558.50", "318.12"]
    for i, code in enumerate(pledged["x"]):
        row = next(cells for label, cells in rows.items() if label.startswith(code + " · "))
        assert row == [f"{trace['y'][i]:,.2f}" for trace in funnel["data"]], code


def _money_charts_name_their_currency_and_the_table_repeats_each_point(drawn, tables, notes):
    by_month = drawn[1366, "chart-by-month"]
    assert by_month["titles"] == {"xaxis": "Month", "yaxis": "USD millions"}
    assert [t["name"] for t in by_month["data"]][:2] == ["Pledged to date", "Allocated to date"]
    months = by_month["data"][0]["x"]
    rows = dict(tables["chart-by-month"])
    assert list(rows) == months
    for i, month in enumerate(months):
        assert rows[month] == [f"{t['y'][i]:,.2f}" for t in by_month["data"]], month
    assert drawn[1366, "chart-coverage"]["titles"] == {"xaxis": "Category", "yaxis": "USD millions"}


def _capacity_gives_each_item_its_own_scale_so_four_naval_drones_show(drawn, tables, notes):
    capacity = drawn[1366, "chart-capacity"]
    naval = [t for t in capacity["data"] if t["meta"] == "Naval surface drone at FAC-JV-1"]
    assert [(t["name"], t["x"], t["y"], t["yaxis"]) for t in naval] == [
        ("Capacity", ["2025-11"], [4], "y2"),
        ("Produced", ["2025-11"], [0], "y2"),
    ]
    assert capacity["ranges"]["yaxis2"][1] < 5  # its own axis: 4 a month fills the chart
    assert capacity["ranges"]["yaxis"][1] > 3000  # the interceptors' 3,000 a month on theirs
    assert capacity["titles"]["yaxis"] == capacity["titles"]["yaxis2"] == "units per month"
    # one legend entry per measure, not one per chart
    assert [t["name"] for t in capacity["data"] if t["showlegend"]] == ["Capacity", "Produced"]
    rows = dict(tables["chart-capacity"])
    assert rows["2025-11"] == ["1,500", "1,500", "4", "0"]
    assert rows["2026-01"] == ["3,000", "0", "—", "—"]


def _orders_timeline_has_a_legend_and_axis_titles(drawn, tables, notes):
    lots = drawn[1366, "chart-lots"]
    assert [t["name"] for t in lots["data"]] == ["Lot produced (size: quantity)", "Due date"]
    assert all(t["showlegend"] for t in lots["data"])
    assert lots["titles"] == {"xaxis": "Date", "yaxis": "Production order"}
    due = lots["data"][1]
    assert list(zip(due["y"], due["x"], strict=True)) == [("PO-DD-1", "2026-04-30"), ("PO-DD-2", "2026-06-30")]
    assert [cells[:2] for label, cells in tables["chart-lots"] if label == "Due date"] == [
        ["PO-DD-1", "30 Apr 2026"],
        ["PO-DD-2", "30 Jun 2026"],
    ]
    produced = lots["data"][0]
    assert len(produced["x"]) == len([label for label, _ in tables["chart-lots"] if label != "Due date"]) == 3
