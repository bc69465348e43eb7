"""SVG charts: valid XML, accessible names, bars proportional to the values, empty data."""

import re
import xml.etree.ElementTree as ET

import pytest

from essor.observatory.charts import (
    Series,
    bar_chart,
    column_chart,
    format_number,
    format_percent,
    line_chart,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bar_chart_is_valid_accessible_svg_with_proportional_bars():
    svg = bar_chart(
        [("Associations & co <b>", 300), ("Coopératives", 150), ("Mutuelles", 0)],
        title="Établissements par famille",
        chart_id="familles",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "familles-title familles-desc"
    assert root.find(f"{SVG}title").text == "Établissements par famille"
    assert root.get("viewBox").startswith("0 0 640 ")
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[2] == 0
    assert "Associations &amp; co &lt;b&gt;" in svg  # labels are escaped


def test_bar_chart_shortens_long_labels_but_keeps_them_whole_in_tooltips():
    label = "Activités spécialisées, scientifiques et techniques et quelques autres encore"
    root = parse(bar_chart([(label, 3)], title="t", chart_id="c"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0].endswith("…") and len(texts[0]) <= 60
    assert root.find(f".//{SVG}rect/{SVG}title").text.startswith(label)


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bar_chart([], title="Vide", chart_id="v"),
        lambda: bar_chart([("A", 0), ("B", None)], title="Vide", chart_id="v"),
        lambda: column_chart([], [], title="Vide", chart_id="v"),
        lambda: line_chart(["2020"], [Series("S", [None])], title="Vide", chart_id="v"),
    ],
)
def test_empty_data_draws_a_message_not_an_error(chart):
    root = parse(chart())
    assert root.get("role") == "img"
    assert "Aucune donnée" in "".join(root.itertext())


def test_column_chart_draws_negative_values_below_zero_and_a_line():
    svg = column_chart(
        ["2021", "2022", "2023"],
        [Series("Créations", [10, 20, 5]), Series("Fermetures", [4, 8, 9])],
        line=Series("Solde", [6, 12, -4]),
        title="Dynamique",
        chart_id="dyn",
    )
    root = parse(svg)
    columns = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(columns) == 6
    heights = {r.find(f"{SVG}title").text: float(r.get("height")) for r in columns}
    assert heights["Créations 2022 : 20"] == pytest.approx(
        2 * heights["Créations 2021 : 10"], abs=0.2
    )
    points = root.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 3
    zero = [
        float(line.get("y1")) for line in root.iter(f"{SVG}line") if line.get("stroke") == "#1e1e1e"
    ]
    assert float(points[2].split(",")[1]) > zero[-1]  # -4 is under the zero line


def test_line_chart_has_one_polyline_per_series_and_a_legend():
    svg = line_chart(
        ["1 an", "2 ans", "3 ans"],
        [Series("Créés en 2020", [0.95, 0.9, 0.8]), Series("Créés en 2021", [0.97, 0.92, None])],
        title="Survie",
        chart_id="survie",
        high=1,
    )
    root = parse(svg)
    assert len(root.findall(f"{SVG}polyline")) == 2
    assert "Créés en 2021" in "".join(root.itertext())
    assert re.search(r"100,0\u00a0%", svg)


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(0, 87) == [0, 25, 50, 75, 100]
    ticks = nice_ticks(-12, 40)
    assert ticks[0] <= -12 and ticks[-1] >= 40 and 0 in ticks
    assert nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1]


def test_french_number_formats():
    assert format_number(1234567) == "1\u202f234\u202f567"
    assert format_number(-3.25, 1) == "−3,2" or format_number(-3.25, 1) == "−3,3"
    assert format_percent(0.1234) == "12,3\u00a0%"
    assert format_number(None) == format_percent(None) == "—"
