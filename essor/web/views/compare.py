"""Comparison page `/comparer/`: any set of territories side by side, ranked by an indicator.

The URL keeps the whole state, so a comparison can be bookmarked and works without JavaScript:
`?t=epci:244400404&t=commune:44109&indicateur=etablissements_10k&ordre=desc&perimetre=loi2014`.
Presets (`?preset=metropoles`, `?comparables=epci:244400404`) redirect to the explicit list.
Figures and presets: essor.observatory.compare.
"""

import csv
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from essor.ess.enums import Perimeter
from essor.observatory import charts
from essor.observatory import compare as comparison
from essor.observatory.territory import get_territory
from essor.territories.search import search_territories
from essor.web.views.portrait import perimeter_of
from essor.web.views.search import query_of


def _state(request) -> dict:
    indicator = request.GET.get("indicateur", comparison.DEFAULT_INDICATOR)
    if indicator not in comparison.INDICATORS_BY_KEY:
        indicator = comparison.DEFAULT_INDICATOR
    order = "asc" if request.GET.get("ordre") == "asc" else "desc"
    return {
        "refs": request.GET.getlist("t"),
        "perimeter": perimeter_of(request),
        "indicator": indicator,
        "order": order,
    }


def _url(name: str, state: dict, **changes) -> str:
    merged = {**state, **changes}
    params = [("t", ref) for ref in merged["refs"]]
    params += [
        ("indicateur", merged["indicator"]),
        ("ordre", merged["order"]),
        ("perimetre", merged["perimeter"]),
    ]
    return f"{reverse(name)}?{urlencode(params)}"


def _preset_redirect(request, state: dict):
    """A redirect to the explicit list of a preset, or None."""
    if request.GET.get("preset") == "metropoles":
        return redirect(_url("web:compare", state, refs=comparison.metropoles()))
    wanted = comparison.parse_reference(request.GET.get("comparables", ""))
    if wanted is not None:
        place = get_territory(*wanted)
        return redirect(_url("web:compare", state, refs=comparison.comparables(place)))
    return None


def _cell(value, kind: str) -> str:
    if kind == "share":
        return charts.format_percent(value)
    if kind == "float":
        return charts.format_number(value, 1 if value is not None and abs(value) < 100 else 0)
    return charts.format_number(value)


def _lines(state: dict):
    # Never more than a few references past the cap are looked up (one query each).
    refs = state["refs"]
    territories, unknown = comparison.resolve(refs[: comparison.MAX_TERRITORIES + 10])
    dropped = max(0, len(territories) - comparison.MAX_TERRITORIES)
    dropped += max(0, len(refs) - comparison.MAX_TERRITORIES - 10)
    territories = territories[: comparison.MAX_TERRITORIES]
    lines = comparison.get_headlines(territories, state["perimeter"])
    indicator = comparison.INDICATORS_BY_KEY[state["indicator"]]
    lines = comparison.sort_lines(lines, indicator, descending=state["order"] == "desc")
    return lines, unknown, dropped, indicator


def compare(request):
    state = _state(request)
    preset = _preset_redirect(request, state)
    if preset is not None:
        return preset
    lines, unknown, dropped, indicator = _lines(state)
    state["refs"] = [comparison.reference(line.territory) for line in lines]
    query = query_of(request)
    hits = search_territories(query, limit=10) if query else []
    current = set(state["refs"])
    rows = []
    for rank, line in enumerate(lines, start=1):
        refs = [r for r in state["refs"] if r != comparison.reference(line.territory)]
        rows.append(
            {
                "rank": rank,
                "territory": line.territory,
                "cells": [(_cell(line.value(i), i.kind), i.key) for i in comparison.INDICATORS],
                "remove_url": _url("web:compare", state, refs=refs),
                "has_data": line.headline is not None,
            }
        )
    headers = []
    for item in comparison.INDICATORS:
        active = item.key == indicator.key
        order = "asc" if active and state["order"] == "desc" else "desc"
        headers.append(
            {
                "indicator": item,
                "url": _url("web:compare", state, indicator=item.key, order=order),
                "sort": ("descending" if state["order"] == "desc" else "ascending")
                if active
                else "",
            }
        )
    chart = charts.bar_chart(
        [(line.territory.name, line.value(indicator)) for line in lines],
        title=f"{indicator.label} — {Perimeter(state['perimeter']).label.lower()}",
        chart_id="graphique-comparaison",
        value_format=lambda v: _cell(v, indicator.kind),
    )
    context = {
        "state": state,
        "rows": rows,
        "headers": headers,
        "indicators": comparison.INDICATORS,
        "indicator": indicator,
        "perimeter": state["perimeter"],
        "perimeter_label": Perimeter(state["perimeter"]).label,
        "unknown": unknown,
        "dropped": dropped,
        "max_territories": comparison.MAX_TERRITORIES,
        "full": len(lines) >= comparison.MAX_TERRITORIES,
        "query": query,
        "hits": [
            {
                **hit,
                "ref": f"{hit['kind']}:{hit['code']}",
                "add_url": _url(
                    "web:compare", state, refs=[*state["refs"], f"{hit['kind']}:{hit['code']}"]
                ),
                "present": f"{hit['kind']}:{hit['code']}" in current,
            }
            for hit in hits
        ],
        "chart": mark_safe(chart) if lines else None,  # noqa: S308 — texts escaped
        "csv_url": _url("web:compare_csv", state),
        "clear_url": _url("web:compare", state, refs=[]),
        "metropoles_url": f"{reverse('web:compare')}?"
        + urlencode({"preset": "metropoles", "perimetre": state["perimeter"]}),
        "no_import": bool(lines) and all(line.headline is None for line in lines),
    }
    return render(request, "web/compare.html", context)


def compare_csv(request):
    state = _state(request)
    lines, _, _, _ = _lines(state)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="essor_comparaison_{state["perimeter"]}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        ["rang", "type", "code", "territoire", "perimetre", *(i.key for i in comparison.INDICATORS)]
    )
    for rank, line in enumerate(lines, start=1):
        place = line.territory
        values = [line.value(i) for i in comparison.INDICATORS]
        writer.writerow(
            [
                rank,
                place.kind,
                place.code,
                place.name,
                state["perimeter"],
                *("" if v is None else v for v in values),
            ]
        )
    return response
