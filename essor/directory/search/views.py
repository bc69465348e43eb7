"""Pages of the directory search: the search page (list + facets + map), suggestions as you type,
the map's JSON, the map background outlines, the embeddable widget."""

import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from essor.directory.search.mapagg import map_data
from essor.directory.search.params import PAGE_SIZE, parse, parse_bbox
from essor.directory.search.query import search, suggest

FRANCE_BBOX = (-5.5, 41.2, 9.8, 51.2)


def actor_url(slug: str) -> str:
    """The actor page (essor.directory), or a search on the identifier while it is absent."""
    try:
        return reverse("directory:actor", args=[slug])
    except NoReverseMatch:
        return reverse("directory_search:search") + f"?q={slug}"


def with_links(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["url"] = actor_url(row["actor_slug"] or row["siren"])
    return rows


def context_for(request: HttpRequest, widget: bool = False) -> dict:
    params = parse(request.GET)
    result = search(params)
    with_links(result.rows)
    base = request.path
    return {
        "params": params,
        "result": result,
        "query_string": params.to_query(),
        "page_links": page_links(base, params, result.pages),
        "clear_url": base + ("?" + params.to_query(**cleared(params)) if widget else ""),
        "map_tiles_url": map_tiles_url(),
        "widget": widget,
        "is_htmx": bool(request.headers.get("HX-Request")),
        "radius_choices": [2, 5, 10, 20, 50, 100],
        "first_rank": (min(params.page, result.pages) - 1) * PAGE_SIZE + 1,
        "full_url": request.build_absolute_uri(reverse("directory_search:search"))
        + "?"
        + params.to_query(page=1),
        "embed_snippet": embed_snippet(request, params),
    }


def cleared(params) -> dict:
    """Changes that clear every filter but the widget's territory."""
    return {
        "q": "", "famille": (), "categorie": (), "secteur": (), "theme": (), "label": (),
        "taille": (), "employeur": None, "qpv": None, "etat": None, "region": (),
        "departement": (), "epci": (), "commune": (), "autour": "", "zone": False, "page": 1,
    }  # fmt: skip


def page_links(base: str, params, pages: int) -> dict:
    page = min(params.page, pages)
    return {
        "previous": f"{base}?{params.to_query(page=page - 1)}" if page > 1 else "",
        "next": f"{base}?{params.to_query(page=page + 1)}" if page < pages else "",
        "page": page,
        "pages": pages,
    }


def map_tiles_url() -> str:
    from django.conf import settings

    return getattr(settings, "MAP_TILES_URL", "") or ""


def embed_snippet(request: HttpRequest, params) -> str:
    url = request.build_absolute_uri(reverse("directory_search:widget"))
    query = params.to_query(page=1, bbox=None, zone=False)
    src = f"{url}?{query}" if query else url
    return (
        f'<iframe src="{src}" title="Annuaire des acteurs de l\'ESS" width="100%" height="600" '
        'style="border:1px solid #ccc" loading="lazy"></iframe>'
    )


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    context = context_for(request)
    if request.headers.get("HX-Request") and request.GET.get("fragment") != "page":
        return render(request, "directory/search/_results.html", context)
    return render(request, "directory/search/search.html", context)


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    rows = with_links(suggest(q)) if len(q) >= 2 else []
    return render(request, "directory/search/_suggestions.html", {"rows": rows, "q": q})


@require_GET
def map_json(request: HttpRequest) -> JsonResponse:
    params = parse(request.GET)
    bbox = params.bbox or FRANCE_BBOX
    try:
        zoom = int(request.GET.get("zoom", "6"))
    except ValueError:
        return JsonResponse({"error": "zoom doit être un entier"}, status=400)
    data = map_data(params, bbox, zoom)
    for point in data["points"]:
        point["url"] = actor_url(point["slug"])
    return JsonResponse(data)


@require_GET
@cache_control(max_age=86400, public=True)
def outlines(request: HttpRequest) -> HttpResponse:
    """Background outlines: départements (default), or the communes inside `bbox`
    (`niveau=communes`, at high zoom). Simplified GeoJSON of the referential, cached."""
    from essor.territories.models import Commune, Departement

    level = request.GET.get("niveau", "departements")
    if level == "communes":
        bbox = parse_bbox(request.GET.get("bbox", ""))
        if bbox is None:
            return JsonResponse({"error": "bbox requis : ouest,sud,est,nord"}, status=400)
        west, south, east, north = bbox
        if (east - west) * (north - south) > 4.0:
            return JsonResponse({"type": "FeatureCollection", "features": []})
        key = "directory_search:outlines:communes:" + ",".join(f"{v:.1f}" for v in bbox)
        rows = Commune.objects.filter(
            kind="COM",
            lat__gte=south - 0.2, lat__lte=north + 0.2, lon__gte=west - 0.3, lon__lte=east + 0.3,
        ).exclude(geometry="").values_list("code", "name", "geometry")  # fmt: skip
    else:
        key = "directory_search:outlines:departements"
        rows = Departement.objects.exclude(geometry="").values_list("code", "name", "geometry")
    body = cache.get(key)
    if body is None:
        features = [
            f'{{"type":"Feature","properties":{json.dumps({"code": c, "name": n})},"geometry":{g}}}'
            for c, n, g in rows
        ]
        body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        cache.set(key, body, 3600)
    return HttpResponse(body, content_type="application/geo+json")


@require_GET
@xframe_options_exempt
def widget(request: HttpRequest) -> HttpResponse:
    context = context_for(request, widget=True)
    if request.headers.get("HX-Request"):
        return render(request, "directory/search/_results.html", context)
    return render(request, "directory/search/widget.html", context)
