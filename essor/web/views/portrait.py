"""The portrait of a territory (`/territoires/<kind>/<code>/`), its printable report
(`…/rapport/`) and the family table as CSV. Figures come from one Portrait
(essor.observatory.read.get_portrait); sections and charts from essor.web.views.sections."""

import csv
from pathlib import PurePath

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from essor.ess.enums import Perimeter
from essor.observatory.charts import format_number, format_percent
from essor.observatory.choropleth import child_kind
from essor.observatory.key_figures import by_family_table, compute_key_figures
from essor.observatory.territory import get_territory
from essor.web.views.sections import build_sections, map_columns

CHILD_LABELS = {
    "region": "régions",
    "departement": "départements",
    "epci": "intercommunalités",
    "commune": "communes",
}


def perimeter_of(request) -> str:
    value = request.GET.get("perimetre", Perimeter.STATISTIQUE)
    return value if value in Perimeter.values else Perimeter.STATISTIQUE


def load_portrait(territory, perimeter: str):
    from essor.observatory.read import get_portrait

    return get_portrait(territory, perimeter)


def _year_range(reference_years: dict) -> str:
    years = sorted(y for y in reference_years if y)
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def headline_context(headline) -> dict:
    """Display strings of the headline figures (counts exact, estimates rounded, shares in %)."""
    return {
        "etablissements": format_number(headline.establishments),
        "employeurs": format_number(headline.employer_establishments),
        "salaries": format_number(round(headline.estimated_employees)),
        "sans_tranche": format_number(headline.without_band),
        "sans_tranche_pct": format_percent(headline.without_band_share),
        "annees": _year_range(headline.reference_years),
        "part_etablissements": format_percent(headline.share_establishments),
        "part_employeurs": format_percent(headline.share_employers),
        "part_emploi": format_percent(headline.share_employment),
        "tous_etablissements": format_number(headline.all_establishments),
        "tous_employeurs": format_number(headline.all_employer_establishments),
        "tous_salaries": format_number(
            None
            if headline.all_estimated_employees is None
            else round(headline.all_estimated_employees)
        ),
        "densite": format_number(headline.density_per_10k, 1)
        if headline.density_per_10k is not None
        else None,
        "qpv_dedans": format_number(headline.qpv_inside),
        "qpv_proche": format_number(headline.qpv_near),
    }


def _sources(run) -> list[str]:
    return [
        source.get("name") or PurePath(source.get("path", "")).name for source in run.sources or []
    ]


def portrait_context(request, kind: str, code: str) -> dict:
    place = get_territory(kind, code)
    perimeter = perimeter_of(request)
    portrait = load_portrait(place, perimeter)
    context = {
        "territory": place,
        "perimeter": perimeter,
        "perimeter_label": Perimeter(perimeter).label,
        "other_perimeter": [p for p in Perimeter if p != perimeter][0],
        "portrait": portrait,
        "population": format_number(place.population) if place.population else "",
        "child_label": CHILD_LABELS.get(child_kind(kind) or "", ""),
    }
    if portrait is None:
        return context
    map_key = request.GET.get("carte")
    sections = build_sections(portrait, map_key=map_key)
    sub = portrait.tables.get("sous_territoires")
    context.update(
        headline=portrait.headline,
        figures=headline_context(portrait.headline),
        sections=sections,
        by_slug={s.slug: s for s in sections},
        map_columns=map_columns(sub) if sub else [],
        map_key=map_key,
        run=portrait.run,
        sources=_sources(portrait.run),
    )
    return context


def territory(request, kind: str, code: str):
    return render(request, "web/territory.html", portrait_context(request, kind, code))


def report(request, kind: str, code: str):
    context = portrait_context(request, kind, code)
    context["printed_on"] = timezone.localdate()
    return render(request, "web/report.html", context)


def territory_families_csv(request, kind: str, code: str):
    place = get_territory(kind, code)
    perimeter = perimeter_of(request)
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
