"""Public pages: territory search and territory key figures. Thin: logic lives in
essor.territories.search and essor.observatory."""

import csv
from pathlib import PurePath

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format

from essor.ess.enums import Perimeter
from essor.observatory.key_figures import by_family_table, compute_key_figures
from essor.observatory.territory import get_territory
from essor.territories.search import search_territories

MAX_QUERY_LENGTH = 100


def _query(request) -> str:
    return request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]


def home(request):
    query = _query(request)
    results = search_territories(query, limit=15) if query else []
    return render(request, "web/home.html", {"query": query, "results": results})


def territory_suggestions(request):
    query = _query(request)
    results = search_territories(query, limit=8) if len(query) >= 2 else []
    return render(request, "web/_search_results.html", {"query": query, "results": results})


def _perimeter(request) -> str:
    value = request.GET.get("perimetre", Perimeter.STATISTIQUE)
    return value if value in Perimeter.values else Perimeter.STATISTIQUE


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{number_format(share * 100, 1)} %"


def territory(request, kind: str, code: str):
    place = get_territory(kind, code)
    perimeter = _perimeter(request)
    figures = compute_key_figures(place, perimeter)
    context = {
        "territory": place,
        "perimeter": perimeter,
        "figures": figures,
        "perimeter_label": Perimeter(perimeter).label,
    }
    if figures is not None:
        context.update(
            estimated_employees=round(figures.estimated_employees),
            without_band_pct=_percent(figures.without_band_share),
            ess_share_pct=_percent(figures.ess_share),
            family_rows=by_family_table(figures),
        )
        for source in figures.run.sources:
            source.setdefault("name", PurePath(source.get("path", "")).name)
    return render(request, "web/territory.html", context)


def territory_families_csv(request, kind: str, code: str):
    place = get_territory(kind, code)
    perimeter = _perimeter(request)
    figures = compute_key_figures(place, perimeter)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"essor_{kind}_{code}_familles_{perimeter}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    columns = ["famille", "etablissements", "etablissements_employeurs", "salaries_estimes"]
    writer.writerow(["territoire", "code", "perimetre", *columns])
    for row in by_family_table(figures) if figures else []:
        writer.writerow([place.name, place.code, perimeter, *(row[c] for c in columns)])
    return response
